package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_PROPOSAL;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Log replication: §3.5 (replication, consistency check), §3.6.2 (commit rule), §10.2.1 (parallel leader write). */
class ReplicationTest {

    private static byte[] command(int value) {
        return new byte[] {(byte) value};
    }

    @Test
    void section3_5_committedCommandsReachEveryStateMachineInOrder() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        for (int i = 0; i < 10; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        for (long id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).commitIndex()).isEqualTo(FIRST_NOOP + 10);
            assertThat(cluster.appliedCommands(id)).extracting(bytes -> (int) bytes[0])
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void aFollowerWhoseLogLostItsAcknowledgedTailIsBroughtBackUpToDate() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        for (int i = 0; i < 10; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        // Node 2's disk loses the last 4 entries it had acknowledged (a damaged tail cut at recovery).
        List<Entry> entries = cluster.disks.get(2L).entries;
        entries.subList(entries.size() - 4, entries.size()).clear();
        cluster.restart(2);
        for (int i = 10; i < 12; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.stabilize();
        assertThat(cluster.node(2).status().lastIndex()).isEqualTo(FIRST_NOOP + 12);
        assertThat(cluster.node(2).commitIndex()).isEqualTo(FIRST_NOOP + 12);
    }

    @Test
    void section3_5_proposalsBeforeOneReadyTravelInOneMessagePerFollower() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        for (int i = 0; i < 100; i++) {
            cluster.node(1).propose(command(i));
        }
        Ready ready = cluster.node(1).ready();
        assertThat(ready.messages()).hasSize(2).allSatisfy(message -> {
            assertThat(message).isInstanceOf(AppendEntries.class);
            assertThat(((AppendEntries) message).entries()).hasSize(100);
        });
        assertThat(ready.entries()).hasSize(100);
    }

    @Test
    void section3_5_batchesAreBoundedByCountAndBytes() {
        TestCluster cluster = new TestCluster(2, config -> config.withFlowControl(256, 10, 1 << 20));
        cluster.elect(1);
        for (int i = 0; i < 25; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        List<Integer> sizes = cluster.deliveredOf(AppendEntries.class).stream()
                .map(m -> m.entries().size()).filter(size -> size > 0).toList();
        assertThat(sizes).allMatch(size -> size <= 10);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(25);

        TestCluster bytes = new TestCluster(2, config -> config.withFlowControl(256, 1000, 100));
        bytes.elect(1);
        for (int i = 0; i < 5; i++) {
            bytes.node(1).propose(new byte[60]);
        }
        bytes.stabilize();
        assertThat(bytes.deliveredOf(AppendEntries.class)).allMatch(m -> m.entries().size() <= 1);
        assertThat(bytes.node(2).commitIndex()).isGreaterThanOrEqualTo(FIRST_PROPOSAL + 3);
    }

    @Test
    void section3_5_theLeaderKeepsAtMostTheInflightWindowUnacknowledged() {
        TestCluster cluster = new TestCluster(2, config -> config.withFlowControl(4, 1, 1 << 20));
        cluster.elect(1);
        cluster.drop(message -> message instanceof AppendEntriesResponse);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cluster.node(1).propose(command(i));
            sent.addAll(cluster.node(1).ready().messages());
        }
        long appends = sent.stream().filter(m -> m instanceof AppendEntries a && !a.entries().isEmpty()).count();
        assertThat(appends).isEqualTo(4);
    }

    @Test
    void section3_5_aFollowerRejectsEntriesWhosePredecessorItDoesNotHold() {
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, List.of(1L, 2L, 3L)));
        persist(follower);
        follower.step(new AppendEntries(FIRST_TERM, 1, 2, 5, FIRST_TERM,
                List.of(Entry.command(6, FIRST_TERM, command(0))), 0));
        Ready ready = follower.ready();
        // It holds only the bootstrap entry: the leader is to retry after it.
        assertThat(ready.messagesAfterPersist()).containsExactly(
                AppendEntriesResponse.rejected(FIRST_TERM, 2, 1, 5, BOOTSTRAP_INDEX, BOOTSTRAP_TERM));
        assertThat(ready.entries()).isEmpty();
        assertThat(follower.lastIndex()).isEqualTo(BOOTSTRAP_INDEX);
    }

    @Test
    void section3_5_conflictingEntriesAreReplacedButMatchingOnesKept() {
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, List.of(1L, 2L, 3L)));
        long term = FIRST_TERM;
        follower.step(new AppendEntries(term, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(
                Entry.command(2, term, command(1)), Entry.command(3, term, command(2)),
                Entry.command(4, term, command(3))), BOOTSTRAP_INDEX));
        follower.advance(follower.ready());
        follower.step(new AppendEntries(term + 1, 3, 2, 2, term, List.of(Entry.command(3, term + 1, command(9))),
                BOOTSTRAP_INDEX));
        Ready ready = follower.ready();
        assertThat(ready.entries()).containsExactly(Entry.command(3, term + 1, command(9)));
        assertThat(follower.lastIndex()).isEqualTo(3);
        assertThat(follower.termAt(2)).isEqualTo(term);
        assertThat(follower.termAt(3)).isEqualTo(term + 1);

        // A duplicate of an older message changes nothing and is acknowledged up to what it covered.
        follower.advance(ready);
        follower.step(new AppendEntries(term + 1, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.command(2, term, command(1))), BOOTSTRAP_INDEX));
        Ready duplicate = follower.ready();
        assertThat(duplicate.entries()).isEmpty();
        assertThat(duplicate.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(term + 1, 2, 3, 2));
        assertThat(follower.lastIndex()).isEqualTo(3);
    }

    @Test
    void section3_5_fastBacktrackingSkipsAWholeConflictingTermPerRoundTrip() {
        // Node 3 leads the first term alone and piles up 50 entries nobody else gets.
        TestCluster cluster = new TestCluster(3);
        cluster.elect(3);
        cluster.isolate(3);
        for (int i = 0; i < 50; i++) {
            cluster.node(3).propose(command(i));
        }
        cluster.stabilize();
        // Nodes 1 and 2 elect one of them, which commits 5 entries of its own term.
        long leader = cluster.awaitLeaderOtherThan(3);
        for (int i = 0; i < 5; i++) {
            cluster.node(leader).propose(command(100 + i));
        }
        cluster.stabilize();
        cluster.heal();
        cluster.delivered.clear();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);

        long rejections = cluster.deliveredOf(AppendEntriesResponse.class).stream()
                .filter(r -> r.from() == 3 && !r.success()).count();
        assertThat(rejections).isLessThanOrEqualTo(2);
        assertThat(cluster.node(3).lastIndex()).isEqualTo(cluster.node(leader).lastIndex());
        assertThat(cluster.appliedCommands(3)).extracting(bytes -> (int) bytes[0])
                .containsExactly(100, 101, 102, 103, 104);
    }

    @Test
    void section3_6_2_aNewLeaderCommitsEarlierEntriesOnlyUnderItsOwnNoop() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        // The proposal reaches node 2 but node 1 dies before it learns that it committed.
        cluster.drop(message -> message instanceof AppendEntriesResponse && message.to() == 1);
        cluster.isolate(3);
        assertThat(cluster.node(1).propose(command(5))).isEqualTo(FIRST_PROPOSAL);
        cluster.stabilize();
        assertThat(cluster.node(2).lastIndex()).isEqualTo(FIRST_PROPOSAL);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(FIRST_NOOP);
        cluster.heal();
        cluster.isolate(1);
        // Only node 2 can win: node 3 lacks the proposal.
        cluster.drop(message -> message instanceof AppendEntriesResponse);
        assertThat(cluster.awaitLeaderOtherThan(1)).isEqualTo(2);
        RaftNode leader = cluster.node(2);
        long noop = FIRST_PROPOSAL + 1;
        assertThat(leader.termAt(noop)).isEqualTo(leader.term());
        assertThat(leader.commitIndex()).isLessThan(FIRST_PROPOSAL);
        cluster.heal();
        cluster.isolate(1);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(leader.commitIndex()).isEqualTo(noop);
        assertThat(cluster.appliedCommands(3)).extracting(bytes -> (int) bytes[0]).containsExactly(5);
    }

    @Test
    void section3_6_2_figure8_anOldTermEntryOnAMajorityIsNotCommittedByItself() {
        RaftNode leader = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)));
        // Bring node 1 to term 2 holding entries (1@1, the bootstrap) (2@1) (3@2), then elect it in term 3 by hand.
        leader.step(new AppendEntries(2, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(
                Entry.command(2, 1, command(1)), Entry.command(3, 2, command(2))), BOOTSTRAP_INDEX));
        leader.advance(leader.ready());
        tickUntil(leader, () -> leader.role() == Role.PRE_CANDIDATE);
        leader.step(new io.beacon.raft.message.RequestVoteResponse(3, 2, 1, true, true));
        leader.advance(leader.ready());
        leader.step(new io.beacon.raft.message.RequestVoteResponse(3, 2, 1, false, true));
        assertThat(leader.role()).isEqualTo(Role.LEADER);
        Ready ready = leader.ready();
        leader.advance(ready);
        // Node 2 acknowledges index 3 (term 2): replicated on a majority, but of an earlier term.
        leader.step(AppendEntriesResponse.accepted(3, 2, 1, 3));
        assertThat(leader.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        // Its acknowledgment of the no-op (index 4, term 3) commits everything.
        leader.step(AppendEntriesResponse.accepted(3, 2, 1, 4));
        assertThat(leader.commitIndex()).isEqualTo(4);
    }

    @Test
    void section10_2_1_theLeaderSendsWhileItWritesAndCountsItselfOnlyOnceDurable() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        cluster.disks.get(1L).held = true;
        long index = cluster.node(1).propose(command(1));
        Ready ready = cluster.node(1).ready();
        assertThat(ready.entries()).extracting(Entry::index).containsExactly(index);
        assertThat(ready.messages()).filteredOn(m -> m instanceof AppendEntries a && !a.entries().isEmpty())
                .hasSize(2);
        cluster.disks.get(1L).pending.add(ready);
        cluster.network.addAll(ready.messages());
        cluster.stabilize();
        // Node 2 acknowledged; with node 1's own write not durable that is one of three.
        assertThat(cluster.node(1).status().followers()).filteredOn(f -> f.id() == 2)
                .extracting(RaftStatus.FollowerStatus::matchIndex).containsExactly(index);
        assertThat(cluster.node(1).commitIndex()).isLessThan(index);
        cluster.flush(1);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index);
    }

    @Test
    void heartbeatsCarryTheCommitIndexClampedToTheFollowersMatchAndNoEntries() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        for (int i = 0; i < 20; i++) {
            cluster.node(1).propose(new byte[1000]);
        }
        cluster.stabilize();
        cluster.delivered.clear();
        cluster.heal();
        cluster.drop(message -> message instanceof AppendEntries);
        cluster.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.stabilize();
        List<Heartbeat> heartbeats = cluster.deliveredOf(Heartbeat.class);
        assertThat(heartbeats).extracting(Heartbeat::to).containsExactly(2L, 3L);
        assertThat(heartbeats.get(0).commitIndex()).isEqualTo(FIRST_NOOP + 20);
        assertThat(heartbeats.get(1).commitIndex()).isEqualTo(FIRST_NOOP);
        assertThat(cluster.node(3).commitIndex()).isEqualTo(FIRST_NOOP);
    }

    @Test
    void aLeaderSendsAHeartbeatEveryHeartbeatInterval() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.delivered.clear();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 5);
        assertThat(cluster.deliveredOf(Heartbeat.class)).hasSize(10);
    }

    @Test
    void aFollowerOnlyProposesThroughTheLeader() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        assertThatThrownBy(() -> cluster.node(2).propose(command(1)))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProposalRejectedException.Reason.NOT_LEADER);
                    assertThat(e.leaderHint()).isEqualTo(1);
                });
    }

    @Test
    void readiesMustBeAdvancedInOrder() {
        TestCluster cluster = new TestCluster(1);
        cluster.elect(1);
        RaftNode node = cluster.node(1);
        node.propose(command(1));
        Ready first = node.ready();
        node.propose(command(2));
        Ready second = node.ready();
        assertThatThrownBy(() -> node.advance(second)).isInstanceOf(Checks.InvariantViolation.class);
        node.advance(first);
        node.advance(second);
    }

    @Test
    void aLostProbeIsRetriedOnTheNextHeartbeatResponse() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        cluster.node(1).propose(command(1));
        cluster.stabilize();
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 3);
        assertThat(cluster.node(3).commitIndex()).isEqualTo(FIRST_PROPOSAL);
        assertThat(cluster.appliedCommands(3)).hasSize(1);
    }
}
