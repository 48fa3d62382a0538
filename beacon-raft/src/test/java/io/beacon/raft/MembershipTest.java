package io.beacon.raft;

import io.beacon.raft.MembershipChange.AddLearner;
import io.beacon.raft.MembershipChange.AddVoter;
import io.beacon.raft.MembershipChange.RemoveMember;
import io.beacon.raft.MembershipChange.ReplaceVoter;
import io.beacon.raft.ProposalRejectedException.Reason;
import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.beacon.raft.Nodes.accept;
import static io.beacon.raft.Nodes.acceptNoop;
import static io.beacon.raft.Nodes.only;
import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.sent;
import static io.beacon.raft.Nodes.sentOf;
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.Nodes.voters;
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_PROPOSAL;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static io.beacon.raft.Configurations.ids;
import static io.beacon.raft.Configurations.joint;
import static io.beacon.raft.Configurations.learners;
import static io.beacon.raft.Configurations.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster membership changes (§4): learners, voters added through a learner phase (§4.2.1) and a joint
 * configuration (§4.3), removals (of the leader too, §4.2.2), one change at a time, and nodes that were removed
 * or are still joining (§4.2.3).
 */
class MembershipTest {





    /** The configuration every initial member of a three-node TestCluster bootstraps with, as entry 1. */
    private static final Configuration BOOTSTRAP = simple(1, 2, 3);

    private static byte[] command(int value) {
        return new byte[] {(byte) value};
    }

    private static List<Integer> commands(TestCluster cluster, long id) {
        return cluster.appliedCommands(id).stream().map(bytes -> (int) bytes[0]).toList();
    }

    private static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProposalRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Learners

    @Test
    void section4_2_1_aLearnerReceivesTheLogButNeverVotesAndItsAcknowledgementsDoNotCommit() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        RaftNode learner = cluster.addNode(4);
        assertThat(cluster.node(1).changeMembership(new AddLearner(4))).isEqualTo(FIRST_PROPOSAL);
        cluster.node(1).propose(command(7));
        cluster.stabilize();
        Configuration expected = learners(simple(1, 2, 3), Map.of(), 4);
        for (long id = 1; id <= 4; id++) {
            assertThat(cluster.node(id).configuration()).as("node %d", id).isEqualTo(expected);
        }
        assertThat(learner.commitIndex()).isEqualTo(FIRST_PROPOSAL + 1);
        assertThat(commands(cluster, 4)).containsExactly(7);
        assertThat(cluster.node(1).status().followers()).extracting(RaftStatus.FollowerStatus::id)
                .containsExactly(2L, 3L, 4L);

        // Only the learner hears the leader: it acknowledges everything, yet nothing commits.
        cluster.cut(1, 2);
        cluster.cut(1, 3);
        long index = cluster.node(1).propose(command(8));
        cluster.stabilize();
        assertThat(cluster.node(1).status().followers()).filteredOn(f -> f.id() == 4)
                .extracting(RaftStatus.FollowerStatus::matchIndex).containsExactly(index);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index - 1);
        // Nor does the learner keep the leader in office: check-quorum counts voters only.
        cluster.tick(1, RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        cluster.stabilize();
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void section4_2_1_aLearnerNeverCampaignsAndIsNeverAskedForAVote() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddLearner(4));
        cluster.stabilize();
        cluster.delivered.clear();
        cluster.isolate(1);
        cluster.cut(1, 4);
        for (int i = 0; i < 100; i++) {
            cluster.tick(4, 1);
            cluster.stabilize();
        }
        assertThat(cluster.node(4).role()).isEqualTo(Role.FOLLOWER);
        cluster.heal();
        cluster.isolate(1);
        long leader = cluster.awaitLeaderOtherThan(1);
        assertThat(leader).isIn(2L, 3L);
        assertThat(cluster.deliveredOf(RequestVote.class)).isNotEmpty()
                .noneMatch(request -> request.from() == 4 || request.to() == 4);
        // The new leader replicates to the learner as well.
        cluster.node(leader).propose(command(1));
        cluster.stabilize();
        assertThat(commands(cluster, 4)).containsExactly(1);
    }

    @Test
    void section4_2_1_aLearnerIsRemovedInOneStep() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddLearner(4));
        cluster.stabilize();
        cluster.node(1).changeMembership(new RemoveMember(4));
        cluster.stabilize();
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(
                BOOTSTRAP, learners(simple(1, 2, 3), Map.of(), 4), simple(1, 2, 3));
        assertThat(cluster.node(1).status().followers()).extracting(RaftStatus.FollowerStatus::id)
                .containsExactly(2L, 3L);
        assertThat(cluster.node(4).configuration()).as("the removed learner got its last entry")
                .isEqualTo(learners(simple(1, 2, 3), Map.of(), 4));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Adding, removing and replacing voters

    @Test
    void section4_3_aNewVoterJoinsAsALearnerAndIsPromotedByAJointConfigurationOnceCaughtUp() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        for (int i = 0; i < 5; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();

        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(
                BOOTSTRAP,
                learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4),
                joint(ids(1, 2, 3, 4), ids(1, 2, 3)),
                simple(1, 2, 3, 4));
        for (long id = 1; id <= 4; id++) {
            assertThat(cluster.node(id).configuration()).as("node %d", id).isEqualTo(simple(1, 2, 3, 4));
            // The no-op, five commands and three configuration entries.
            assertThat(cluster.node(id).commitIndex()).isEqualTo(FIRST_NOOP + 5 + 3);
        }
        assertThat(commands(cluster, 4)).containsExactly(0, 1, 2, 3, 4);
        // The new voter counts: with two of the old voters gone, 1 and 4 are not enough, 1, 2 and 4 are.
        cluster.isolate(3);
        cluster.cut(1, 2);
        long index = cluster.node(1).propose(command(5));
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isLessThan(index);
        cluster.heal();
        cluster.isolate(3);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index);
    }

    @Test
    void section4_2_1_aLearnerThatHasNotCaughtUpIsNotPromoted() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.isolate(4);
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        Configuration waiting = learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4);
        assertThat(cluster.node(1).configuration()).isEqualTo(waiting);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(FIRST_PROPOSAL);
        // It catches up once it is reachable: the round in which it did took too long, so it is not promoted yet...
        cluster.heal();
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN && cluster.node(4).lastIndex() < FIRST_PROPOSAL;
                i++) {
            cluster.tickAll(1);
        }
        assertThat(cluster.node(4).lastIndex()).isEqualTo(FIRST_PROPOSAL);
        assertThat(cluster.node(1).configuration()).isEqualTo(waiting);
        // ... but by the next round, which it finishes at once: the leader checks it on its next tick.
        cluster.tickAll(1);
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(BOOTSTRAP, waiting,
                joint(ids(1, 2, 3, 4), ids(1, 2, 3)), simple(1, 2, 3, 4));
        cluster.node(1).propose(command(1));
        cluster.stabilize();
        assertThat(cluster.node(1).configuration()).isEqualTo(simple(1, 2, 3, 4));
        assertThat(cluster.node(4).configuration()).isEqualTo(simple(1, 2, 3, 4));
    }

    @Test
    void section4_2_1_aLearnerThatCaughtUpLateIsPromotedAlsoWhenNothingNewIsProposed() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.isolate(4);
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MAX * 5);
        assertThat(cluster.node(4).lastIndex()).as("caught up").isEqualTo(cluster.node(1).lastIndex());
        assertThat(cluster.node(1).configuration()).isEqualTo(simple(1, 2, 3, 4));
    }

    @Test
    void section4_3_anExistingLearnerIsPromotedWhenAddedAsAVoter() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddLearner(4));
        cluster.stabilize();
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(
                BOOTSTRAP,
                learners(simple(1, 2, 3), Map.of(), 4),
                learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4),
                joint(ids(1, 2, 3, 4), ids(1, 2, 3)),
                simple(1, 2, 3, 4));
    }

    @Test
    void section4_3_removingAFollowerGoesThroughAJointConfigurationAndTheRestCarryOn() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).changeMembership(new RemoveMember(3));
        cluster.stabilize();
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(
                BOOTSTRAP, joint(ids(1, 2), ids(1, 2, 3)), simple(1, 2));
        assertThat(cluster.node(1).configuration()).isEqualTo(simple(1, 2));
        assertThat(cluster.node(2).configuration()).isEqualTo(simple(1, 2));
        assertThat(cluster.node(1).status().followers()).extracting(RaftStatus.FollowerStatus::id)
                .containsExactly(2L);
        cluster.delivered.clear();
        long index = cluster.node(1).propose(command(1));
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        assertThat(cluster.node(2).commitIndex()).isEqualTo(index);
        assertThat(cluster.delivered).as("node 3 hears nothing more").noneMatch(m -> m.to() == 3);
        assertThat(cluster.node(3).lastIndex()).isLessThan(index);
    }

    @Test
    void section4_2_2_aLeaderRemovingItselfLeadsThroughTheJointPhaseThenHandsOverAndStepsDown() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        RaftNode leader = cluster.node(1);
        cluster.isolate(3);
        long jointIndex = leader.changeMembership(new RemoveMember(1));
        cluster.stabilize();
        // Without node 3, C_new = {2, 3} has no majority: the joint configuration waits, the leader leads on.
        assertThat(leader.role()).isEqualTo(Role.LEADER);
        assertThat(leader.configuration()).isEqualTo(joint(ids(2, 3), ids(1, 2, 3)));
        assertThat(leader.commitIndex()).isLessThan(jointIndex);
        long proposed = leader.propose(command(9));
        assertThatThrownBy(() -> leader.changeMembership(new RemoveMember(2)))
                .isInstanceOf(ProposalRejectedException.class);

        cluster.heal();
        cluster.delivered.clear();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        // C_new committed: the leader told a caught-up voter to campaign and stepped down.
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(BOOTSTRAP,
                joint(ids(2, 3), ids(1, 2, 3)), simple(2, 3));
        assertThat(cluster.disks.get(1L).entries).filteredOn(e -> e.type() == EntryType.CONFIGURATION)
                .extracting(Entry::term).containsExactly(BOOTSTRAP_TERM, FIRST_TERM, FIRST_TERM);
        assertThat(cluster.deliveredOf(TimeoutNow.class)).containsExactly(new TimeoutNow(FIRST_TERM, 1, 2));
        assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(2).term()).isEqualTo(FIRST_TERM + 1);
        assertThat(cluster.node(3).leaderId()).isEqualTo(2);
        assertThat(cluster.deliveredOf(RequestVote.class)).noneMatch(r -> r.to() == 1);
        assertThat(commands(cluster, 2)).containsExactly(9);
        assertThat(cluster.node(2).commitIndex()).isGreaterThan(proposed);

        // The old leader is out for good: it never campaigns, and the others carry on without it.
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MAX * 3);
        assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
        assertThat(leader.term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(2).term()).isEqualTo(FIRST_TERM + 1);
    }

    @Test
    void section4_3_replacingAVoterAddsTheNewOneAsALearnerThenSwapsThemInOneJointConfiguration() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new ReplaceVoter(3, 4));
        cluster.stabilize();
        assertThat(cluster.disks.get(1L).configurationEntries()).containsExactly(
                BOOTSTRAP,
                learners(simple(1, 2, 3), Map.of(4L, 3L), 4),
                joint(ids(1, 2, 4), ids(1, 2, 3)),
                simple(1, 2, 4));
        assertThat(cluster.node(4).configuration()).isEqualTo(simple(1, 2, 4));
        assertThat(cluster.node(1).status().followers()).extracting(RaftStatus.FollowerStatus::id)
                .containsExactly(2L, 4L);
        // Node 3 is no longer needed, node 4 is.
        cluster.isolate(3);
        long index = cluster.node(1).propose(command(1));
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index);
        cluster.heal();
        cluster.isolate(4);
        cluster.cut(1, 2);
        long next = cluster.node(1).propose(command(2));
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index);
        assertThat(next).isGreaterThan(index);
    }

    @Test
    void section4_2_2_aLeaderReplacingItselfHandsOverOnceTheNewConfigurationCommits() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new ReplaceVoter(1, 4));
        cluster.stabilize();
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
        long leader = cluster.leaderId();
        assertThat(leader).isIn(2L, 4L);
        assertThat(cluster.node(leader).configuration()).isEqualTo(simple(2, 3, 4));
        cluster.node(leader).propose(command(3));
        cluster.stabilize();
        assertThat(commands(cluster, 4)).containsExactly(3);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The rules of a change, one node driven by hand

    @Test
    void section4_1_aNewLeaderChangesMembershipOnlyOnceAnEntryOfItsTermIsCommitted() {
        RaftNode node = Nodes.leader(3);
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(4)))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NO_COMMIT_IN_TERM);
                    assertThat(e.leaderHint()).isEqualTo(1);
                    assertThat(e).hasMessage("the new leader has not committed an entry of its term yet");
                });
        // The bootstrap entry is committed, but it is of an earlier term.
        assertThat(node.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.lastIndex()).isEqualTo(FIRST_NOOP);
        acceptNoop(node, 3);
        assertThat(node.changeMembership(new AddLearner(4))).isEqualTo(FIRST_PROPOSAL);
        // A follower refuses, naming the leader it knows.
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        follower.step(new Heartbeat(FIRST_TERM, 1, 2, 0, 1));
        assertThatThrownBy(() -> follower.changeMembership(new AddLearner(4)))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_LEADER);
                    assertThat(e.leaderHint()).isEqualTo(1);
                });
    }

    @Test
    void section4_1_onlyOneChangeIsInFlightAtATime() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long jointIndex = FIRST_PROPOSAL;
        assertThat(node.changeMembership(new RemoveMember(3))).isEqualTo(jointIndex);
        assertThat(node.configuration()).as("in force once appended").isEqualTo(joint(ids(1, 2), ids(1, 2, 3)));
        persist(node);
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(4)))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
                    assertThat(e).hasMessage("another membership change is in progress");
                });
        // Node 3's acknowledgement is not enough: C_new = {1, 2} needs node 2.
        accept(node, 3, jointIndex);
        assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP);
        accept(node, 2, jointIndex);
        assertThat(node.commitIndex()).isEqualTo(jointIndex);
        // The joint configuration committed: the leader appends C_new at once, and node 3 is dropped.
        assertThat(node.lastIndex()).isEqualTo(jointIndex + 1);
        assertThat(node.configuration()).isEqualTo(simple(1, 2));
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::id).containsExactly(2L);
        assertRejected(() -> node.changeMembership(new AddLearner(4)), Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        persist(node);
        accept(node, 2, jointIndex + 1);
        assertThat(node.commitIndex()).isEqualTo(jointIndex + 1);
        assertThat(node.changeMembership(new AddLearner(4))).isEqualTo(jointIndex + 2);
        // A proposal of a new configuration in flight blocks the next one too.
        assertRejected(() -> node.changeMembership(new RemoveMember(4)), Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        persist(node);
        accept(node, 2, jointIndex + 2);
        node.changeMembership(new RemoveMember(4));
        assertThat(node.configuration()).isEqualTo(simple(1, 2));
    }

    @Test
    void section4_1_noOtherChangeIsAcceptedWhileALearnerWaitsToBePromoted() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.addNode(4);
        cluster.addNode(5);
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.node(1).changeMembership(new ReplaceVoter(3, 4));
        cluster.stabilize();
        assertThat(cluster.node(1).configuration()).isEqualTo(learners(simple(1, 2, 3), Map.of(4L, 3L), 4));
        assertThatThrownBy(() -> cluster.node(1).changeMembership(new ReplaceVoter(3, 5)))
                .isInstanceOfAny(ProposalRejectedException.class, IllegalArgumentException.class);
        cluster.heal();
        cluster.node(1).propose(command(1));
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(cluster.node(cluster.leaderId()).configuration().voters()).hasSize(3);
    }

    @Test
    void section3_10_noMembershipChangeStartsWhileLeadershipIsBeingTransferred() {
        RaftNode node = Nodes.leader(3);
        node.transferLeadership(2);
        // The transfer is named even before the leader has committed an entry of its term.
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(4)))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
                    assertThat(e.leaderHint()).isEqualTo(1);
                });
        acceptNoop(node, 3);
        assertRejected(() -> node.changeMembership(new AddLearner(4)), Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
        assertRejected(() -> node.changeMembership(new RemoveMember(3)), Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
        assertThat(node.lastIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.configuration()).isEqualTo(BOOTSTRAP);
        // Node 2 never campaigns: the transfer gives up after an election timeout and changes are taken again.
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN; i++) {
            node.tick();
            Nodes.echo(node, 2, 0);
            Nodes.echo(node, 3, 0);
        }
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.status().leadTransferee()).isEqualTo(RaftNode.NONE);
        assertThat(node.changeMembership(new AddLearner(4))).isEqualTo(FIRST_PROPOSAL);
    }

    @Test
    void section4_1_whileALearnerWaitsToBePromotedOnlyItsRemovalIsAccepted() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long plainLearner = node.changeMembership(new AddLearner(5));
        persist(node);
        accept(node, 2, plainLearner);
        long added = node.changeMembership(new AddVoter(4));
        Configuration waiting = learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4, 5);
        assertThat(node.configuration()).isEqualTo(waiting);
        // Not committed yet: even the removal of the new learner waits.
        assertRejected(() -> node.changeMembership(new RemoveMember(4)), Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        persist(node);
        accept(node, 2, added);
        assertThat(node.commitIndex()).isEqualTo(added);
        assertThat(node.committedConfiguration()).isEqualTo(waiting);
        // Committed, not joint, yet node 4 is still part of a change: nothing else may start.
        for (MembershipChange change : List.of(new AddLearner(6), new AddVoter(6), new AddVoter(5),
                new AddVoter(4), new ReplaceVoter(3, 4), new RemoveMember(3), new RemoveMember(5),
                new ReplaceVoter(3, 6), new RemoveMember(1))) {
            assertThatThrownBy(() -> node.changeMembership(change)).as("%s", change)
                    .isInstanceOfSatisfying(ProposalRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS));
        }
        assertThat(node.lastIndex()).isEqualTo(added);
        // Removing the learner cancels its promotion.
        assertThat(node.changeMembership(new RemoveMember(4))).isEqualTo(added + 1);
        assertThat(node.configuration()).isEqualTo(learners(simple(1, 2, 3), Map.of(), 5));
        assertThat(node.configuration().promotions()).isEmpty();
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::id).containsExactly(2L, 3L, 5L);
        persist(node);
        accept(node, 2, added + 1);
        assertThat(node.changeMembership(new AddLearner(6))).isEqualTo(added + 2);
    }

    @Test
    void section4_2_1_theLeaderLooksAtAWaitingLearnerOnEveryTick() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long added = node.changeMembership(new AddVoter(4));
        persist(node);
        // The entry commits: the learner's first catch-up round starts now, aiming at the leader's last index.
        accept(node, 2, added);
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN; i++) {
            node.tick();
            Nodes.echo(node, 2, 0);
            Nodes.echo(node, 3, 0);
        }
        persist(node);
        // It catches up only after an election timeout: that round took too long, another one starts...
        accept(node, 4, added);
        assertThat(node.lastIndex()).isEqualTo(added);
        assertThat(node.configuration().promotions()).containsOnlyKeys(4L);
        // ... and ends at once, as the learner already holds its target; no new entry or answer is needed.
        node.tick();
        assertThat(node.lastIndex()).isEqualTo(added + 1);
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 2, 3, 4), ids(1, 2, 3)));
        // Ticking on appends nothing more while the joint configuration waits to commit.
        node.tick();
        assertThat(node.lastIndex()).isEqualTo(added + 1);
    }

    @Test
    void section4_nonsenseChangesAreRefusedAndChangeNothing() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        List<MembershipChange> nonsense = List.of(new RemoveMember(9), new AddVoter(2), new AddLearner(2),
                new AddLearner(1), new ReplaceVoter(9, 4), new ReplaceVoter(2, 3), new ReplaceVoter(2, 2),
                new AddLearner(0), new AddVoter(-1), new RemoveMember(0), new ReplaceVoter(2, 0));
        for (MembershipChange change : nonsense) {
            assertThatThrownBy(() -> node.changeMembership(change)).as("%s", change)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(0)))
                .hasMessage("member ids must be positive: AddLearner[id=0]");
        assertThatThrownBy(() -> node.changeMembership(new RemoveMember(0)))
                .hasMessage("member ids must be positive: RemoveMember[id=0]");
        assertThatThrownBy(() -> node.changeMembership(new AddVoter(-1)))
                .hasMessage("member ids must be positive: AddVoter[id=-1]");
        assertThatThrownBy(() -> node.changeMembership(new RemoveMember(9))).hasMessage("9 is not a member");
        assertThatThrownBy(() -> node.changeMembership(new AddVoter(2))).hasMessage("2 is already a voter");
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(3))).hasMessage("3 is already a member");
        assertThatThrownBy(() -> node.changeMembership(new ReplaceVoter(9, 4))).hasMessage("9 is not a voter");
        assertThatThrownBy(() -> node.changeMembership(new ReplaceVoter(2, 3))).hasMessage("3 is already a voter");
        assertThat(node.lastIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.configuration()).isEqualTo(simple(1, 2, 3));
        assertThat(node.hasReady()).isFalse();

        // A learner can be promoted but not added again; the last voter cannot go.
        node.changeMembership(new AddLearner(4));
        persist(node);
        accept(node, 2, FIRST_PROPOSAL);
        assertThatThrownBy(() -> node.changeMembership(new AddLearner(4))).isInstanceOf(IllegalArgumentException.class);
        RaftNode single = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L)));
        tickUntil(single, () -> single.role() == Role.LEADER);
        persist(single);
        assertThat(single.commitIndex()).isEqualTo(FIRST_NOOP);
        assertThatThrownBy(() -> single.changeMembership(new RemoveMember(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot remove the last voter 1");
    }

    @Test
    void section3_10_leadershipIsTransferredOnlyToAVoterOfTheNewConfiguration() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.changeMembership(new AddLearner(4));
        assertThatThrownBy(() -> node.transferLeadership(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a voter");
        persist(node);
        accept(node, 2, FIRST_PROPOSAL);
        node.changeMembership(new RemoveMember(3));
        assertThat(node.configuration()).isEqualTo(new Configuration(ids(1, 2), ids(1, 2, 3), ids(4), new TreeMap<>()));
        assertThatThrownBy(() -> node.transferLeadership(3)).as("a voter only of C_old")
                .isInstanceOf(IllegalArgumentException.class);
        node.transferLeadership(2);
        assertThat(node.status().leadTransferee()).isEqualTo(2);
    }

    @Test
    void section4_2_2_aTransferToAVoterThatIsRemovedMeanwhileIsAbandoned() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        // Node 4 is to replace node 3 once caught up; no new change may start during a transfer, but this one
        // goes on by itself.
        long added = node.changeMembership(new ReplaceVoter(3, 4));
        persist(node);
        accept(node, 2, added);
        assertThat(node.commitIndex()).isEqualTo(added);
        node.transferLeadership(3);
        assertThat(node.status().leadTransferee()).isEqualTo(3);
        assertRejected(() -> node.changeMembership(new RemoveMember(3)), Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
        // Node 4 catches up and is swapped in for node 3: a transfer to a node that is no longer a voter is over.
        accept(node, 4, added);
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 2, 4), ids(1, 2, 3)));
        assertThat(node.status().leadTransferee()).isEqualTo(RaftNode.NONE);
        assertThat(node.propose(command(2))).isEqualTo(added + 2);
    }

    @Test
    void section4_2_2_aLeaderRemovedFromTheConfigurationCountsOnlyTheNewVotersAndStepsDownOnItsCommit() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long jointIndex = node.changeMembership(new RemoveMember(1));
        assertThat(jointIndex).isEqualTo(FIRST_PROPOSAL);
        assertThat(node.configuration()).isEqualTo(joint(ids(2, 3), ids(1, 2, 3)));
        persist(node);
        accept(node, 2, jointIndex);
        assertThat(node.commitIndex()).as("C_new = {2, 3} needs node 3 too").isEqualTo(FIRST_NOOP);
        accept(node, 3, jointIndex);
        assertThat(node.commitIndex()).isEqualTo(jointIndex);
        assertThat(node.configuration()).isEqualTo(simple(2, 3));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        // The leader's own write no longer counts: only nodes 2 and 3 commit C_new.
        long extra = node.propose(command(1));
        persist(node);
        accept(node, 2, jointIndex + 1);
        assertThat(node.commitIndex()).isEqualTo(jointIndex);
        assertThat(node.role()).isEqualTo(Role.LEADER);
        accept(node, 3, jointIndex + 1);
        // No voter holds the whole log (the extra entry): nobody is told to campaign, but the leader steps down.
        assertThat(node.commitIndex()).isEqualTo(jointIndex + 1);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(only(sent(node), TimeoutNow.class)).isEmpty();
        assertThat(extra).isEqualTo(jointIndex + 2);
        // Once out of the configuration it never campaigns.
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sentOf(node, RequestVote.class)).isEmpty();
    }

    @Test
    void section4_2_2_aRemovedLeaderTellsTheVoterWithTheWholeLogToCampaign() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long jointIndex = node.changeMembership(new RemoveMember(1));
        persist(node);
        accept(node, 2, jointIndex);
        accept(node, 3, jointIndex);
        persist(node);
        accept(node, 3, jointIndex + 1);
        accept(node, 2, jointIndex + 1);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(only(sent(node), TimeoutNow.class)).as("the first voter with the whole log")
                .containsExactly(new TimeoutNow(FIRST_TERM, 1, 2));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Joint majorities

    /** Node 1 restarted from a snapshot at index 3 whose configuration is joint: C_new {1,4,5}, C_old {1,2,3}. */
    private static RaftNode jointCandidate() {
        SnapshotMetadata snapshot = new SnapshotMetadata(3, 1, joint(ids(1, 4, 5), ids(1, 2, 3)));
        RaftNode node = new RaftNode(RaftConfig.defaults(1, voters(3)).withPreVote(false),
                new PersistentState(new HardState(1, RaftNode.NONE), snapshot, List.of()));
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        assertThat(sentOf(node, RequestVote.class)).extracting(RequestVote::to).containsExactly(2L, 3L, 4L, 5L);
        return node;
    }

    @Test
    void section4_3_anElectionDuringAJointConfigurationNeedsAMajorityOfBoth() {
        RaftNode node = jointCandidate();
        node.step(new RequestVoteResponse(2, 4, 1, false, true));
        node.step(new RequestVoteResponse(2, 5, 1, false, true));
        assertThat(node.role()).as("all of C_new but one of C_old").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(2, 2, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);

        RaftNode loser = jointCandidate();
        loser.step(new RequestVoteResponse(2, 4, 1, false, true));
        loser.step(new RequestVoteResponse(2, 5, 1, false, true));
        loser.step(new RequestVoteResponse(2, 2, 1, false, false));
        assertThat(loser.role()).isEqualTo(Role.CANDIDATE);
        loser.step(new RequestVoteResponse(2, 3, 1, false, false));
        assertThat(loser.role()).as("C_old is out of reach").isEqualTo(Role.FOLLOWER);
    }

    @Test
    void section4_3_aCommitDuringAJointConfigurationNeedsAMajorityOfBoth() {
        RaftNode node = jointCandidate();
        node.step(new RequestVoteResponse(2, 2, 1, false, true));
        node.step(new RequestVoteResponse(2, 4, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        persist(node);
        assertThat(node.lastIndex()).isEqualTo(4);
        // Everyone in C_new holds the no-op; C_old has only the leader.
        accept(node, 4, 4);
        accept(node, 5, 4);
        assertThat(node.commitIndex()).isEqualTo(3);
        assertThat(node.hasReady()).isFalse();
        accept(node, 3, 4);
        assertThat(node.commitIndex()).isEqualTo(4);
        // The joint configuration (from the snapshot) is committed: the leader leaves it at once.
        assertThat(node.lastIndex()).isEqualTo(5);
        assertThat(node.configuration()).isEqualTo(simple(1, 4, 5));
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::id).containsExactly(4L, 5L);
        persist(node);
        accept(node, 4, 5);
        assertThat(node.commitIndex()).isEqualTo(5);
    }

    @Test
    void section4_3_checkQuorumDuringAJointConfigurationNeedsAMajorityOfBoth() {
        RaftNode node = jointCandidate();
        node.step(new RequestVoteResponse(2, 2, 1, false, true));
        node.step(new RequestVoteResponse(2, 4, 1, false, true));
        persist(node);
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN; i++) {
            node.tick();
            for (long voter : List.of(4L, 5L)) {
                node.step(new io.beacon.raft.message.HeartbeatResponse(2, voter, 1, 0));
            }
        }
        assertThat(node.role()).as("all of C_new answers, C_old does not").isEqualTo(Role.FOLLOWER);
    }

    @Test
    void section4_3_aNewLeaderFinishesAJointChangeItsPredecessorLeftOpen() {
        Configuration joint = joint(ids(1, 2), ids(1, 2, 3));
        RaftNode node = new RaftNode(RaftConfig.defaults(2, voters(3)).withPreVote(false),
                new PersistentState(new HardState(1, RaftNode.NONE), null,
                        List.of(Entry.noop(1, 1), Entry.configuration(2, 1, joint))));
        assertThat(node.configuration()).isEqualTo(joint);
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        persist(node);
        node.step(new RequestVoteResponse(2, 3, 2, false, true));
        assertThat(node.role()).as("node 1 of C_new has not voted").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(2, 1, 2, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        persist(node);
        assertRejected(() -> node.changeMembership(new AddLearner(4)), Reason.NO_COMMIT_IN_TERM);
        node.step(AppendEntriesResponse.accepted(2, 1, 2, 3));
        assertThat(node.commitIndex()).isEqualTo(3);
        assertThat(node.lastIndex()).isEqualTo(4);
        assertThat(node.configuration()).isEqualTo(simple(1, 2));
        List<AppendEntries> appends = only(persist(node).messages(), AppendEntries.class);
        assertThat(appends).extracting(AppendEntries::to).containsOnly(1L);
        assertThat(appends.stream().flatMap(a -> a.entries().stream()))
                .containsExactly(Entry.configuration(4, 2, simple(1, 2)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The configuration a node acts on

    @Test
    void section4_1_aNodeUsesTheLatestConfigurationInItsLogAndRevertsWhenThatEntryIsTruncated() {
        Configuration learner = learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4);
        Configuration joint = joint(ids(1, 2, 3, 4), ids(1, 2, 3));
        // A joining node, sent the whole log: the bootstrap entry, then the changes of the leader of term 2.
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, List.of()));
        node.step(new AppendEntries(FIRST_TERM, 1, 4, 0, 0, List.of(
                Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, BOOTSTRAP),
                Entry.configuration(2, FIRST_TERM, learner), Entry.configuration(3, FIRST_TERM, joint)), 2));
        persist(node);
        assertThat(node.commitIndex()).isEqualTo(2);
        assertThat(node.configuration()).as("uncommitted, yet in force").isEqualTo(joint);
        // A voter of its latest configuration: it campaigns, asking the voters of that configuration.
        tickUntil(node, () -> node.role() != Role.FOLLOWER);
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(sentOf(node, RequestVote.class)).extracting(RequestVote::to).containsExactly(1L, 2L, 3L);

        // A new leader overwrites entry 3: the node is a learner again and never campaigns.
        node.step(new AppendEntries(FIRST_TERM + 1, 2, 4, 2, FIRST_TERM, List.of(Entry.noop(3, FIRST_TERM + 1)), 2));
        persist(node);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.configuration()).isEqualTo(learner);
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sent(node)).isEmpty();
    }

    @Test
    void section4_1_truncatingSeveralConfigurationEntriesRevertsToTheOneBeforeThem() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        long term = FIRST_TERM;
        node.step(new AppendEntries(term, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(
                Entry.configuration(2, term, joint(ids(1, 3), ids(1, 2, 3))), Entry.configuration(3, term, simple(1, 3))),
                BOOTSTRAP_INDEX));
        persist(node);
        assertThat(node.configuration()).isEqualTo(simple(1, 3));
        node.step(new AppendEntries(term + 1, 3, 2, 2, term, List.of(Entry.noop(3, term + 1)), BOOTSTRAP_INDEX));
        persist(node);
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 3), ids(1, 2, 3)));
        node.step(new AppendEntries(term + 1, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(2, term + 1)), BOOTSTRAP_INDEX));
        persist(node);
        assertThat(node.configuration()).as("the bootstrap entry's").isEqualTo(BOOTSTRAP);
    }

    @Test
    void section4_2_2_aNodeLeftOutOfAnUncommittedConfigurationMayCampaignUntilItLearnsThatItCommitted() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(
                Entry.configuration(2, FIRST_TERM, joint(ids(1, 3), ids(1, 2, 3))),
                Entry.configuration(3, FIRST_TERM, simple(1, 3))), BOOTSTRAP_INDEX));
        persist(node);
        assertThat(node.configuration()).isEqualTo(simple(1, 3));
        // The last configuration it knows committed (the bootstrap's) still makes it a voter: it may be needed to
        // finish the change.
        assertThat(node.committedConfiguration()).isEqualTo(BOOTSTRAP);
        tickUntil(node, () -> node.role() != Role.FOLLOWER);
        assertThat(sentOf(node, RequestVote.class)).as("asking the voters of the latest configuration")
                .extracting(RequestVote::to).containsExactly(1L, 3L);
        // Once it learns that the configuration without it committed, it never campaigns again.
        node.step(new Heartbeat(FIRST_TERM, 1, 2, 3, 1));
        persist(node);
        assertThat(node.commitIndex()).isEqualTo(3);
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sentOf(node, RequestVote.class)).isEmpty();
    }

    @Test
    void section4_2_3_aRemovedNodeThatNeverLearntItCannotDisruptTheCluster() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        cluster.node(1).changeMembership(new RemoveMember(3));
        cluster.stabilize();
        assertThat(cluster.node(1).configuration()).isEqualTo(simple(1, 2));
        assertThat(cluster.node(3).configuration()).isEqualTo(simple(1, 2, 3));
        cluster.heal();
        cluster.delivered.clear();
        for (int i = 0; i < 300; i++) {
            cluster.tickAll(1);
        }
        assertThat(cluster.deliveredOf(RequestVote.class)).as("node 3 keeps trying").isNotEmpty()
                .allMatch(r -> r.from() == 3 && r.preVote());
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(2).leaderId()).isEqualTo(1);
        assertThat(cluster.node(2).term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(3).term()).as("pre-vote keeps its term too").isEqualTo(FIRST_TERM);
    }

    @Test
    void section4_2_3_withoutPreVoteARemovedNodeRaisesOnlyItsOwnTerm() {
        TestCluster cluster = new TestCluster(3, c -> c.withPreVote(false));
        cluster.elect(1);
        cluster.isolate(3);
        cluster.node(1).changeMembership(new RemoveMember(3));
        cluster.stabilize();
        cluster.heal();
        for (int i = 0; i < 300; i++) {
            cluster.tickAll(1);
        }
        assertThat(cluster.node(3).term()).isGreaterThan(FIRST_TERM);
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(2).term()).isEqualTo(FIRST_TERM);
    }

    @Test
    void section4_2_1_aNodeWithNoVotersWaitsUntilAConfigurationIncludesIt() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, List.of()));
        // Without voters it does not bootstrap: nothing in its log, term 0, nothing to persist.
        assertThat(node.configuration()).isEqualTo(Configuration.EMPTY);
        assertThat(node.lastIndex()).isZero();
        assertThat(node.commitIndex()).isZero();
        assertThat(node.term()).isZero();
        assertThat(node.hasReady()).isFalse();
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.hasReady()).isFalse();
        node.step(new TimeoutNow(FIRST_TERM, 1, 4));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(sentOf(node, RequestVote.class)).isEmpty();

        // Added as a learner: it receives the log from entry 1, the bootstrap, on; it follows, still never
        // campaigns.
        Configuration learner = learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4);
        Entry bootstrap = Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, BOOTSTRAP);
        node.step(new AppendEntries(FIRST_TERM, 1, 4, 0, 0,
                List.of(bootstrap, Entry.configuration(2, FIRST_TERM, learner)), 2));
        Ready joined = persist(node);
        assertThat(joined.entries()).containsExactly(bootstrap, Entry.configuration(2, FIRST_TERM, learner));
        assertThat(joined.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(FIRST_TERM, 4, 1, 2));
        assertThat(node.configuration()).isEqualTo(learner);
        assertThat(node.committedConfiguration()).isEqualTo(learner);
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sent(node)).isEmpty();

        // Promoted: a voter like any other.
        node.step(new AppendEntries(FIRST_TERM, 1, 4, 2, FIRST_TERM,
                List.of(Entry.configuration(3, FIRST_TERM, joint(ids(1, 2, 3, 4), ids(1, 2, 3)))), 2));
        persist(node);
        tickUntil(node, () -> node.role() != Role.FOLLOWER);
        List<Message> preVotes = sent(node);
        assertThat(only(preVotes, RequestVote.class)).extracting(RequestVote::to).containsExactly(1L, 2L, 3L);
    }

    @Test
    void section4_2_1_aJoiningNodeGetsTheWholeLogFromTheLeader() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        for (int i = 0; i < 3; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddLearner(4));
        cluster.stabilize();
        // The bootstrap entry, the no-op, three commands and the configuration that added it.
        assertThat(cluster.node(4).lastIndex()).isEqualTo(FIRST_NOOP + 3 + 1);
        assertThat(cluster.disks.get(4L).entries.get(0))
                .isEqualTo(Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, BOOTSTRAP));
        assertThat(cluster.disks.get(4L).configurationEntries())
                .containsExactly(BOOTSTRAP, learners(simple(1, 2, 3), Map.of(), 4));
        assertThat(commands(cluster, 4)).containsExactly(0, 1, 2);
        // A restart finds the configuration again in the log, not the (empty) initial voters.
        cluster.restart(4);
        assertThat(cluster.node(4).configuration()).isEqualTo(learners(simple(1, 2, 3), Map.of(), 4));
    }

    @Test
    void section4_aMemberJoiningBehindACompactedLogGetsTheSnapshotWithItsConfiguration() {
        TestCluster cluster = new TestCluster(3, c -> c.withSnapshots(3, 1 << 20, 0, 16));
        cluster.elect(1);
        for (int i = 0; i < 6; i++) {
            cluster.node(1).propose(command(i));
            cluster.stabilize();
        }
        assertThat(cluster.node(1).firstIndex()).isGreaterThan(1);
        cluster.addNode(4);
        cluster.node(1).changeMembership(new AddVoter(4));
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(cluster.deliveredOf(io.beacon.raft.message.InstallSnapshot.class)).isNotEmpty()
                .allMatch(chunk -> chunk.to() == 4);
        assertThat(cluster.node(4).configuration()).isEqualTo(simple(1, 2, 3, 4));
        assertThat(commands(cluster, 4)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Details of the leader's bookkeeping

    @Test
    void section4_1_theCommittedConfigurationLagsTheLatestUntilItsEntryCommits() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.changeMembership(new AddLearner(4));
        Configuration learner = learners(simple(1, 2, 3), Map.of(), 4);
        assertThat(node.configuration()).isEqualTo(learner);
        assertThat(node.committedConfiguration()).isEqualTo(simple(1, 2, 3));
        assertThat(node.status().configuration()).isEqualTo(learner);
        persist(node);
        accept(node, 2, FIRST_PROPOSAL);
        assertThat(node.committedConfiguration()).isEqualTo(learner);
    }

    @Test
    void section4_2_1_aNewMemberIsProbedFromTheEndOfTheLeadersLog() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.changeMembership(new AddLearner(4));
        List<AppendEntries> toLearner = Nodes.appendsTo(sent(node), 4);
        long added = FIRST_PROPOSAL;
        assertThat(toLearner).containsExactly(new AppendEntries(FIRST_TERM, 1, 4, added, FIRST_TERM, List.of(),
                FIRST_NOOP));
        assertThat(node.status().followers()).filteredOn(f -> f.id() == 4)
                .extracting(RaftStatus.FollowerStatus::nextIndex, RaftStatus.FollowerStatus::replicationState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(added + 1, "PROBE"));
        // Its empty log rejects the probe; the leader backs up to the start and sends everything, bootstrap first.
        node.step(AppendEntriesResponse.rejected(FIRST_TERM, 4, 1, added, 0, 0));
        List<AppendEntries> retry = Nodes.appendsTo(sent(node), 4);
        assertThat(retry).hasSize(1);
        assertThat(retry.get(0).prevLogIndex()).isZero();
        assertThat(retry.get(0).entries()).extracting(Entry::index).containsExactly(BOOTSTRAP_INDEX, FIRST_NOOP,
                added);
        assertThat(retry.get(0).entries().get(0))
                .isEqualTo(Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM, BOOTSTRAP));
    }

    @Test
    void section4_1_aFollowerTracksNoProgressWhateverItsConfiguration() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.configuration(2, FIRST_TERM, learners(simple(1, 2, 3), Map.of(), 4))), 1));
        persist(node);
        assertThat(node.configuration().learners()).containsExactly(4L);
        assertThat(node.status().followers()).isEmpty();
    }

    @Test
    void section3_10_aChangeThatKeepsTheTransfereeAVoterKeepsTheTransferGoing() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long added = node.changeMembership(new AddVoter(4));
        persist(node);
        accept(node, 2, added);
        node.propose(command(1));
        persist(node);
        node.transferLeadership(2);
        // No change starts during a transfer...
        assertRejected(() -> node.changeMembership(new AddLearner(5)), Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
        assertThat(node.lastIndex()).isEqualTo(added + 1);
        // ... but the promotion of node 4, under way before it, goes on, and keeps node 2 a voter.
        accept(node, 4, added + 1);
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 2, 3, 4), ids(1, 2, 3)));
        assertThat(node.status().leadTransferee()).isEqualTo(2);
        assertRejected(() -> node.propose(command(2)), Reason.LEADERSHIP_TRANSFER_IN_PROGRESS);
    }

    @Test
    void section4_2_1_aLearnerIsNotPromotedBeforeTheEntryThatAddedItCommits() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long added = node.changeMembership(new AddVoter(4));
        persist(node);
        // Only the learner has the entry: it is caught up, but its own entry is not committed yet.
        accept(node, 4, added);
        accept(node, 4, added);
        assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.lastIndex()).isEqualTo(added);
        accept(node, 2, added);
        assertThat(node.commitIndex()).isEqualTo(added);
        accept(node, 4, added);
        assertThat(node.lastIndex()).as("promoted now").isEqualTo(added + 1);
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 2, 3, 4), ids(1, 2, 3)));
    }

    @Test
    void section4_1_aNewLeaderPromotesALearnerOnlyOnceAnEntryOfItsTermCommitted() {
        Configuration learner = learners(simple(1, 2, 3), Map.of(4L, RaftNode.NONE), 4);
        SnapshotMetadata snapshot = new SnapshotMetadata(2, 1, learner);
        RaftNode node = new RaftNode(RaftConfig.defaults(1, voters(3)).withPreVote(false),
                new PersistentState(new HardState(1, RaftNode.NONE), snapshot, List.of()));
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        persist(node);
        node.step(new RequestVoteResponse(2, 2, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        persist(node);
        assertThat(node.lastIndex()).isEqualTo(3);
        // The learner holds everything, but the no-op of term 2 is not committed.
        node.step(AppendEntriesResponse.accepted(2, 4, 1, 3));
        node.step(AppendEntriesResponse.accepted(2, 4, 1, 3));
        assertThat(node.lastIndex()).isEqualTo(3);
        node.step(AppendEntriesResponse.accepted(2, 2, 1, 3));
        assertThat(node.commitIndex()).isEqualTo(3);
        node.step(AppendEntriesResponse.accepted(2, 4, 1, 3));
        assertThat(node.configuration()).isEqualTo(joint(ids(1, 2, 3, 4), ids(1, 2, 3)));
    }

    @Test
    void section4_2_2_aRemovedLeaderHandsOverToTheVoterThatHoldsTheWholeLog() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        long jointIndex = node.changeMembership(new RemoveMember(1));
        persist(node);
        accept(node, 2, jointIndex);
        accept(node, 3, jointIndex);
        long extra = node.propose(command(1));
        assertThat(extra).as("after C_new").isEqualTo(jointIndex + 2);
        persist(node);
        accept(node, 3, extra);
        accept(node, 2, jointIndex + 1);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(only(sent(node), TimeoutNow.class)).containsExactly(new TimeoutNow(FIRST_TERM, 1, 3));
    }

    @Test
    void section4_2_2_aLeaderThatSteppedDownAfterItsRemovalSendsNothingMore() {
        RaftNode node = Nodes.leader(3, c -> c.withFlowControl(1, 1, 1 << 20));
        acceptNoop(node, 3);
        long jointIndex = node.changeMembership(new RemoveMember(1));
        persist(node);
        accept(node, 2, jointIndex);
        accept(node, 3, jointIndex);
        persist(node);
        node.propose(command(1));
        persist(node);
        accept(node, 2, jointIndex + 1);
        persist(node);
        // Node 3's acknowledgement commits C_new; the command after it is still waiting for its window.
        accept(node, 3, jointIndex + 1);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sent(node)).as("no TimeoutNow (nobody has the command), no AppendEntries").isEmpty();
    }

    @Test
    void section4_2_2_aRestartedLeaderThatRemovedItselfMayStillCampaignUntilItKnowsTheRemovalCommitted() {
        // Node 1 led {1, 2}, removed itself (joint, then C_new = {2} appended) and crashed before the last entry
        // spread. After a restart it knows nothing committed, its latest configuration leaves it out, yet voter 2
        // needs its vote in the joint configuration: it must campaign, under its latest configuration.
        Configuration bootstrap = Configuration.of(List.of(1L, 2L));
        Configuration joint = new Configuration(new TreeSet<>(List.of(2L)), new TreeSet<>(List.of(1L, 2L)),
                new TreeSet<>(), new TreeMap<>());
        Configuration alone = Configuration.of(List.of(2L));
        List<Entry> log = List.of(Entry.configuration(1, 1, bootstrap), Entry.noop(2, 2),
                Entry.configuration(3, 2, joint), Entry.configuration(4, 2, alone));
        RaftNode restarted = new RaftNode(RaftConfig.defaults(1, List.of(1L, 2L)).withPreVote(false),
                new PersistentState(new HardState(2, 1), null, log));
        assertThat(restarted.configuration()).isEqualTo(alone);
        tickUntil(restarted, () -> restarted.role() == Role.CANDIDATE);
        Ready ready = persist(restarted);
        assertThat(only(ready.messagesAfterPersist(), RequestVote.class)).extracting(RequestVote::to)
                .containsExactly(2L);
        // Voter 2's vote alone wins under {2}; the new leader then commits {2} and hands over.
        restarted.step(new RequestVoteResponse(3, 2, 1, false, true));
        assertThat(restarted.role()).isEqualTo(Role.LEADER);

        // Once it knows a configuration without it is committed, a node does not campaign any more.
        RaftNode removed = new RaftNode(RaftConfig.defaults(1, List.of(1L, 2L)).withPreVote(false),
                new PersistentState(new HardState(2, 1), null, log));
        removed.step(new AppendEntries(3, 2, 1, 4, 2, List.of(), 4));
        for (int i = 0; i < 100; i++) {
            removed.tick();
        }
        assertThat(removed.role()).isEqualTo(Role.FOLLOWER);
    }
}
