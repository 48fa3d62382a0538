package io.beacon.raft;

import io.beacon.raft.MembershipChange.AddLearner;
import io.beacon.raft.MembershipChange.AddVoter;
import io.beacon.raft.message.RequestVote;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.Nodes.voters;
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_PROPOSAL;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a cluster starts: every initial member (a node with nothing persisted and a non-empty
 * {@link RaftConfig#voters()}) begins its log with the first configuration as entry 1 of term 1, already committed;
 * a node without voters joins and learns that entry from the leader; a restarted node keeps what it persisted.
 */
class BootstrapTest {

    private static final Configuration THREE = Configuration.of(voters(3));
    private static final Entry BOOTSTRAP = Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, THREE);

    @Test
    void aFreshNodeWithVotersStartsWithTheFirstConfigurationAsEntryOneOfTermOneAlreadyCommitted() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, voters(3)));
        assertThat(node.term()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        assertThat(node.firstIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.lastIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.lastTerm()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(node.termAt(BOOTSTRAP_INDEX)).isEqualTo(BOOTSTRAP_TERM);
        assertThat(node.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.configuration()).isEqualTo(THREE);
        assertThat(node.committedConfiguration()).isEqualTo(THREE);
        assertThat(node.snapshot().index()).isZero();
        RaftStatus status = node.status();
        assertThat(status.stableIndex()).as("not persisted yet").isZero();
        assertThat(status.appliedIndex()).as("not handed out yet").isZero();

        // The first Ready persists the bootstrap and hands its entry to the application.
        assertThat(node.hasReady()).isTrue();
        Ready ready = node.ready();
        assertThat(ready.hardState()).isEqualTo(new HardState(BOOTSTRAP_TERM, RaftNode.NONE));
        assertThat(ready.entries()).containsExactly(BOOTSTRAP);
        assertThat(ready.committedEntries()).containsExactly(BOOTSTRAP);
        assertThat(Configuration.decode(ready.entries().get(0).data())).isEqualTo(THREE);
        assertThat(ready.mustPersist()).isTrue();
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).isEmpty();
        assertThat(ready.readStates()).isEmpty();
        assertThat(ready.snapshotDue()).isFalse();
        node.advance(ready);
        assertThat(node.hasReady()).isFalse();
        assertThat(node.status().stableIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.status().appliedIndex()).isEqualTo(BOOTSTRAP_INDEX);
    }

    @Test
    void everyInitialMemberBootstrapsTheSameEntryWhateverTheOrderOfItsVoters() {
        List<Ready> readies = List.of(
                RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L))).ready(),
                RaftNode.fresh(RaftConfig.defaults(2, List.of(3L, 1L, 2L))).ready(),
                RaftNode.fresh(RaftConfig.defaults(3, List.of(2L, 3L, 1L))).ready());
        for (Ready ready : readies) {
            assertThat(ready.entries()).containsExactly(BOOTSTRAP);
            assertThat(ready.committedEntries()).containsExactly(BOOTSTRAP);
            assertThat(ready.hardState()).isEqualTo(new HardState(BOOTSTRAP_TERM, RaftNode.NONE));
        }
        // A voter listed in the configuration of a larger cluster bootstraps that configuration.
        assertThat(RaftNode.fresh(RaftConfig.defaults(4, voters(5))).ready().entries())
                .containsExactly(Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, Configuration.of(voters(5))));
    }

    @Test
    void aFreshClusterElectsTheLeaderOfTermTwoWhoseNoopFollowsTheBootstrapEntry() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        Entry noop = Entry.noop(FIRST_NOOP, FIRST_TERM);
        for (long id = 1; id <= 3; id++) {
            RaftNode node = cluster.node(id);
            assertThat(node.term()).as("node %d", id).isEqualTo(FIRST_TERM);
            assertThat(node.votedFor()).isEqualTo(1);
            assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP);
            assertThat(cluster.disks.get(id).hardState).isEqualTo(new HardState(FIRST_TERM, 1));
            assertThat(cluster.disks.get(id).entries).containsExactly(BOOTSTRAP, noop);
            assertThat(cluster.stateMachines.get(id).appliedIndex).isEqualTo(FIRST_NOOP);
        }
        assertThat(cluster.node(1).propose(new byte[] {1})).isEqualTo(FIRST_PROPOSAL);
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isEqualTo(FIRST_PROPOSAL);
    }

    @Test
    void aSingleVoterBootstrapsThenElectsItselfInTermTwo() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L)));
        Entry bootstrap = Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, Configuration.of(List.of(1L)));
        assertThat(persist(node).committedEntries()).containsExactly(bootstrap);
        tickUntil(node, () -> node.role() == Role.LEADER);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        Ready elected = persist(node);
        assertThat(elected.hardState()).isEqualTo(new HardState(FIRST_TERM, 1));
        assertThat(elected.entries()).containsExactly(Entry.noop(FIRST_NOOP, FIRST_TERM));
        assertThat(persist(node).committedEntries()).containsExactly(Entry.noop(FIRST_NOOP, FIRST_TERM));
        assertThat(node.propose(new byte[] {1})).isEqualTo(FIRST_PROPOSAL);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Joining nodes

    @Test
    void aNodeWithoutVotersDoesNotBootstrapAndNeverCampaignsUntilAConfigurationIncludesIt() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        RaftNode joining = cluster.addNode(4);
        assertThat(joining.lastIndex()).isZero();
        assertThat(joining.lastTerm()).isZero();
        assertThat(joining.commitIndex()).isZero();
        assertThat(joining.term()).isZero();
        assertThat(joining.configuration()).isEqualTo(Configuration.EMPTY);
        assertThat(joining.hasReady()).as("nothing to persist").isFalse();
        cluster.delivered.clear();
        for (int i = 0; i < 10 * RaftConfig.DEFAULT_ELECTION_TICKS_MAX; i++) {
            cluster.tick(4, 1);
            cluster.stabilize();
        }
        assertThat(joining.role()).isEqualTo(Role.FOLLOWER);
        assertThat(joining.term()).isZero();
        assertThat(cluster.disks.get(4L).entries).isEmpty();
        assertThat(cluster.delivered).noneMatch(m -> m.from() == 4 || m.to() == 4);

        // Added as a voter, it gets the whole log from entry 1 on and is promoted; then it may campaign.
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(joining.configuration()).isEqualTo(Configuration.of(voters(4)));
        assertThat(cluster.disks.get(4L).entries.get(0)).isEqualTo(BOOTSTRAP);
        assertThat(joining.term()).isEqualTo(FIRST_TERM);
        cluster.isolate(1);
        cluster.delivered.clear();
        for (int i = 0; i < 10 * RaftConfig.DEFAULT_ELECTION_TICKS_MAX
                && cluster.deliveredOf(RequestVote.class).isEmpty(); i++) {
            cluster.tick(4, 1);
            cluster.stabilize();
        }
        assertThat(cluster.deliveredOf(RequestVote.class)).extracting(RequestVote::from, RequestVote::to,
                RequestVote::preVote).containsExactly(org.assertj.core.groups.Tuple.tuple(4L, 2L, true),
                org.assertj.core.groups.Tuple.tuple(4L, 3L, true));
    }

    @Test
    void aLearnerGetsEntryOneFromTheLeaderAndItsConfigurationBeforeItsAdditionIsTheBootstrapOne() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).propose(new byte[] {7});
        cluster.stabilize();
        RaftNode learner = cluster.addNode(4);
        long added = cluster.node(1).changeMembership(new AddLearner(4));
        cluster.stabilize();
        Configuration withLearner = new Configuration(new TreeSet<>(voters(3)), new TreeSet<>(),
                new TreeSet<>(List.of(4L)), new TreeMap<>(Map.of()));
        assertThat(cluster.disks.get(4L).entries).extracting(Entry::index)
                .containsExactly(BOOTSTRAP_INDEX, FIRST_NOOP, FIRST_PROPOSAL, added);
        assertThat(cluster.disks.get(4L).entries.get(0)).isEqualTo(BOOTSTRAP);
        assertThat(cluster.disks.get(4L).configurationEntries()).containsExactly(THREE, withLearner);
        assertThat(learner.commitIndex()).isEqualTo(added);
        assertThat(cluster.stateMachines.get(4L).appliedIndex).isEqualTo(added);
        assertThat(learner.configuration()).isEqualTo(withLearner);

        // A snapshot it takes below its own addition records the configuration then in force: the bootstrap's,
        // not the empty one the learner started from.
        learner.snapshotTaken(FIRST_PROPOSAL);
        assertThat(learner.snapshot()).isEqualTo(new SnapshotMetadata(FIRST_PROPOSAL, FIRST_TERM, THREE));
        learner.snapshotTaken(added);
        assertThat(learner.snapshot()).isEqualTo(new SnapshotMetadata(added, FIRST_TERM, withLearner));
    }

    @Test
    void aSnapshotAtTheBootstrapEntryRecordsTheBootstrapConfiguration() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withSnapshots(1000, 1 << 20, 0, 64));
        persist(node);
        node.snapshotTaken(BOOTSTRAP_INDEX);
        assertThat(node.snapshot()).isEqualTo(new SnapshotMetadata(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, THREE));
        assertThat(node.firstIndex()).isEqualTo(BOOTSTRAP_INDEX + 1);
        assertThat(node.lastIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.configuration()).isEqualTo(THREE);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Restarts

    @Test
    void aRestartedNodeDoesNotBootstrapAgain() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).propose(new byte[] {1});
        cluster.stabilize();
        cluster.restart(2);
        RaftNode restarted = cluster.node(2);
        assertThat(restarted.lastIndex()).isEqualTo(FIRST_PROPOSAL);
        assertThat(restarted.term()).isEqualTo(FIRST_TERM);
        assertThat(restarted.votedFor()).isEqualTo(1);
        assertThat(restarted.hasReady()).as("nothing new to persist or apply").isFalse();
        assertThat(restarted.configuration()).isEqualTo(THREE);
        cluster.stabilize();
        assertThat(cluster.disks.get(2L).configurationEntries()).containsExactly(THREE);
    }

    @Test
    void aNodeThatPersistedOnlyAHardStateKeepsItsTermAndAnEmptyLogUnderItsConfiguredVoters() {
        RaftNode node = new RaftNode(RaftConfig.defaults(1, voters(3)),
                new PersistentState(new HardState(3, 2), null, List.of()));
        assertThat(node.term()).isEqualTo(3);
        assertThat(node.votedFor()).isEqualTo(2);
        assertThat(node.lastIndex()).isZero();
        assertThat(node.commitIndex()).isZero();
        assertThat(node.configuration()).isEqualTo(THREE);
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void aNodeRestartedFromASnapshotAloneDoesNotBootstrap() {
        SnapshotMetadata snapshot = new SnapshotMetadata(5, FIRST_TERM, Configuration.of(voters(5)));
        RaftNode node = new RaftNode(RaftConfig.defaults(1, voters(3)),
                new PersistentState(new HardState(FIRST_TERM, RaftNode.NONE), snapshot, List.of()));
        assertThat(node.lastIndex()).isEqualTo(5);
        assertThat(node.firstIndex()).isEqualTo(6);
        assertThat(node.commitIndex()).isEqualTo(5);
        assertThat(node.configuration()).isEqualTo(Configuration.of(voters(5)));
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void aNodeThatLostItsBootstrapBeforePersistingItBootstrapsAgainIdentically() {
        TestCluster cluster = new TestCluster(3);
        cluster.disks.get(2L).held = true;
        cluster.processReadys();
        cluster.restart(2);
        assertThat(cluster.disks.get(2L).entries).isEmpty();
        RaftNode again = cluster.node(2);
        assertThat(again.term()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(again.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        Ready ready = again.ready();
        assertThat(ready.hardState()).isEqualTo(new HardState(BOOTSTRAP_TERM, RaftNode.NONE));
        assertThat(ready.entries()).containsExactly(BOOTSTRAP);
    }

    @Test
    void aPersistedLogOrSnapshotWithoutAHardStateOfItsTermIsRefusedNotBootstrappedOver() {
        // Entries or a snapshot without the hard state that must precede them: not a fresh node, and not a
        // consistent one.
        assertThatThrownBy(() -> new RaftNode(RaftConfig.defaults(1, voters(3)),
                new PersistentState(HardState.INITIAL, null, List.of(BOOTSTRAP))))
                .isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("hard state term 0 is below the log's last term 1");
        SnapshotMetadata snapshot = new SnapshotMetadata(5, FIRST_TERM, THREE);
        assertThatThrownBy(() -> new RaftNode(RaftConfig.defaults(1, voters(3)),
                new PersistentState(HardState.INITIAL, snapshot, List.of())))
                .isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("hard state term 0 is below the log's last term 2");
    }

    @Test
    void aBootstrappedNodeAsksItsVotersWithTheBootstrapEntryAsItsLog() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(3, voters(3)).withPreVote(false));
        persist(node);
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        assertThat(Nodes.sentOf(node, RequestVote.class)).containsExactly(
                new RequestVote(FIRST_TERM, 3, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false),
                new RequestVote(FIRST_TERM, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
    }
}
