package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.beacon.raft.Nodes.accept;
import static io.beacon.raft.Nodes.acceptNoop;
import static io.beacon.raft.Nodes.appendsTo;
import static io.beacon.raft.Nodes.echo;
import static io.beacon.raft.Nodes.only;
import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.sent;
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
 * A leader driven by hand, the test playing its followers: replication and flow control (§3.5), the commit
 * rule (§3.6.2), the leader's own write (§10.2.1), check-quorum (§9.6) and leadership transfer (§3.10).
 */
class LeaderTest {

    private static byte[] command(int value) {
        return new byte[] {(byte) value};
    }

    @Test
    void section3_5_aNewLeaderProbesEveryFollowerWithItsNoop() {
        RaftNode node = Nodes.candidate(3, c -> c);
        node.step(new RequestVoteResponse(FIRST_TERM, 3, 1, false, true));
        Ready ready = persist(node);
        Entry noop = Entry.noop(FIRST_NOOP, FIRST_TERM);
        assertThat(ready.entries()).containsExactly(noop);
        // The probes follow the bootstrap entry, which every voter holds and knows committed.
        assertThat(ready.messages()).containsExactly(
                new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(noop), BOOTSTRAP_INDEX),
                new AppendEntries(FIRST_TERM, 1, 3, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(noop), BOOTSTRAP_INDEX));
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::replicationState)
                .containsExactly("PROBE", "PROBE");
    }

    @Test
    void section10_2_1_whenTheLeadersOwnWriteCommitsAnEntryTheNewCommitIndexIsSentAtOnce() {
        RaftNode node = Nodes.candidate(3, c -> c);
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, false, true));
        Ready first = node.ready();
        accept(node, 2, FIRST_NOOP);
        assertThat(node.commitIndex()).as("the leader's own write is not durable yet").isEqualTo(BOOTSTRAP_INDEX);
        node.advance(first);
        assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.hasReady()).isTrue();
        Ready next = persist(node);
        assertThat(next.committedEntries()).containsExactly(Entry.noop(FIRST_NOOP, FIRST_TERM));
        assertThat(appendsTo(next.messages(), 2))
                .containsExactly(new AppendEntries(FIRST_TERM, 1, 2, FIRST_NOOP, FIRST_TERM, List.of(), FIRST_NOOP));
    }

    @Test
    void aLeaderThatHasNothingNewSendsOnlyHeartbeats() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        for (int i = 0; i < RaftConfig.DEFAULT_HEARTBEAT_TICKS; i++) {
            node.tick();
        }
        List<Message> messages = sent(node);
        assertThat(messages).containsExactly(new Heartbeat(FIRST_TERM, 1, 2, FIRST_NOOP, 1),
                new Heartbeat(FIRST_TERM, 1, 3, FIRST_NOOP, 1));
        // Echoes from followers that hold everything ask for nothing more.
        echo(node, 2, 1);
        echo(node, 3, 1);
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void aHeartbeatResponseFromAFollowerThatIsBehindTriggersAnAppend() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.propose(command(1));
        persist(node);
        echo(node, 2, 0);
        assertThat(sent(node)).containsExactly(
                new AppendEntries(FIRST_TERM, 1, 2, FIRST_PROPOSAL, FIRST_TERM, List.of(), FIRST_NOOP));
    }

    @Test
    void section3_6_2_onlyACommitIsBroadcastNotEveryAcknowledgement() {
        RaftNode node = Nodes.leader(5);
        accept(node, 2, FIRST_NOOP);
        assertThat(node.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.hasReady()).isFalse();
        accept(node, 3, FIRST_NOOP);
        assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP);
        Ready ready = persist(node);
        assertThat(only(ready.messages(), AppendEntries.class)).extracting(AppendEntries::to, AppendEntries::leaderCommit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, FIRST_NOOP),
                        org.assertj.core.groups.Tuple.tuple(3L, FIRST_NOOP));
    }

    @Test
    void section3_5_anAcknowledgementRefillsTheFollowersInflightWindow() {
        RaftNode node = Nodes.leader(5, c -> c.withFlowControl(3, 1, 1 << 20));
        accept(node, 2, FIRST_NOOP);
        for (int i = 0; i < 5; i++) {
            node.propose(command(i));
        }
        long p = FIRST_PROPOSAL;
        assertThat(appendsTo(sent(node), 2)).extracting(AppendEntries::prevLogIndex).containsExactly(FIRST_NOOP);
        accept(node, 2, p);
        // The next three entries fill the window of three; the last one waits.
        assertThat(appendsTo(sent(node), 2)).extracting(AppendEntries::prevLogIndex).containsExactly(p, p + 1, p + 2);
        accept(node, 2, p + 2);
        assertThat(appendsTo(sent(node), 2)).extracting(AppendEntries::prevLogIndex).containsExactly(p + 3);
    }

    @Test
    void section3_5_aFullWindowStopsReplicationUntilAnAcknowledgement() {
        RaftNode node = Nodes.leader(5, c -> c.withFlowControl(1, 1, 1 << 20));
        accept(node, 2, FIRST_NOOP);
        node.propose(command(1));
        assertThat(appendsTo(sent(node), 2)).hasSize(1);
        node.propose(command(2));
        assertThat(appendsTo(sent(node), 2)).isEmpty();
        accept(node, 2, FIRST_PROPOSAL);
        assertThat(appendsTo(sent(node), 2)).extracting(AppendEntries::prevLogIndex).containsExactly(FIRST_PROPOSAL);
    }

    @Test
    void section3_5_aStaleRejectionIsIgnored() {
        RaftNode node = Nodes.leader(3);
        accept(node, 2, FIRST_NOOP);
        persist(node);
        node.step(AppendEntriesResponse.rejected(FIRST_TERM, 2, 1, BOOTSTRAP_INDEX, 0, 0));
        assertThat(node.hasReady()).isFalse();
        assertThat(node.status().followers().get(0).replicationState()).isEqualTo("REPLICATE");
    }

    @Test
    void section3_5_theLeaderSkipsBackOverItsOwnEntriesOfTermsTheFollowerNeverSaw() {
        // Leader log (1@1 2@1 3@3 4@3), elected in term 5; follower 2 holds (1@1 2@1 3@2 4@2 5@2 6@2).
        RaftConfig config = RaftConfig.defaults(1, voters(3)).withPreVote(false);
        RaftNode node = new RaftNode(config, new PersistentState(new HardState(4, RaftNode.NONE), null,
                List.of(Entry.noop(1, 1), Entry.noop(2, 1), Entry.noop(3, 3), Entry.noop(4, 3))));
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        persist(node);
        node.step(new RequestVoteResponse(5, 2, 1, false, true));
        assertThat(appendsTo(sent(node), 2)).extracting(AppendEntries::prevLogIndex, AppendEntries::prevLogTerm)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, 3L));
        // The follower's last entry at or below 4 with a term of at most 3 is 4@2.
        node.step(AppendEntriesResponse.rejected(5, 2, 1, 4, 4, 2));
        // The leader holds no entry of term 2: its last entry with a term of at most 2 is 2@1.
        List<AppendEntries> retry = appendsTo(sent(node), 2);
        assertThat(retry).extracting(AppendEntries::prevLogIndex, AppendEntries::prevLogTerm)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 1L));
        assertThat(retry.get(0).entries()).extracting(Entry::index).containsExactly(3L, 4L, 5L);
    }

    @Test
    void section10_2_1_entriesUnacknowledgedForHalfAnElectionTimeoutAreProbedAgain() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.propose(command(1));
        assertThat(appendsTo(sent(node), 2)).hasSize(1);
        accept(node, 3, FIRST_PROPOSAL);
        persist(node);
        // Node 2's copy of the proposal was lost.
        int stallTicks = RaftConfig.DEFAULT_ELECTION_TICKS_MIN / 2;
        for (int tick = 1; tick < stallTicks; tick++) {
            node.tick();
            assertThat(appendsTo(sent(node), 2)).as("tick %d", tick).isEmpty();
        }
        node.tick();
        List<AppendEntries> probe = appendsTo(sent(node), 2);
        assertThat(probe).hasSize(1);
        assertThat(probe.get(0).prevLogIndex()).isEqualTo(FIRST_NOOP);
        assertThat(probe.get(0).entries()).extracting(Entry::index).containsExactly(FIRST_PROPOSAL);
        assertThat(node.status().followers().get(0).replicationState()).isEqualTo("PROBE");
    }

    @Test
    void section9_6_everyAnswerKeepsAFollowerCountedForCheckQuorum() {
        RaftNode node = Nodes.leader(3);
        for (int i = 0; i < 3; i++) {
            node.tick();
        }
        accept(node, 2, FIRST_NOOP);
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::ticksSinceLastResponse)
                .containsExactly(0, 3);
        echo(node, 3, 0);
        assertThat(node.status().followers()).extracting(RaftStatus.FollowerStatus::ticksSinceLastResponse)
                .containsExactly(0, 0);
    }

    @Test
    void section9_6_withoutCheckQuorumAnIsolatedLeaderKeepsLeading() {
        TestCluster cluster = new TestCluster(3, config -> config.withCheckQuorum(false));
        cluster.elect(1);
        cluster.isolate(1);
        cluster.tick(1, 100);
        cluster.stabilize();
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void answersFromANodeThatIsNotAVoterAreIgnored() {
        RaftNode node = Nodes.leader(3);
        node.step(AppendEntriesResponse.accepted(FIRST_TERM, 9, 1, FIRST_NOOP));
        node.step(AppendEntriesResponse.rejected(FIRST_TERM, 9, 1, FIRST_NOOP, 0, 0));
        node.step(new HeartbeatResponse(FIRST_TERM, 9, 1, 1));
        assertThat(node.hasReady()).isFalse();
        assertThat(node.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
    }

    @Test
    void aLeaderHearingAnotherLeaderOfItsTermBreaksAnInvariant() {
        RaftNode node = Nodes.leader(3);
        assertThatThrownBy(() -> node.step(new Heartbeat(FIRST_TERM, 2, 1, 0, 1)))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("two leaders");
        RaftNode other = Nodes.leader(3);
        assertThatThrownBy(() -> other.step(new AppendEntries(FIRST_TERM, 3, 1, 0, 0, List.of(), 0)))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("two leaders");
    }

    @Test
    void aLeaderSteppingDownForgetsItsFollowers() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        assertThat(node.status().followers()).hasSize(2);
        node.step(new HeartbeatResponse(4, 3, 1, 0));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.status().followers()).isEmpty();
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        assertThat(node.hasReady()).isTrue();
        assertThat(persist(node).hardState()).isEqualTo(new HardState(4, RaftNode.NONE));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Leadership transfer (§3.10)

    @Test
    void section3_10_anUpToDateTargetGetsTimeoutNowInTheNextReadyAndOnlyOnce() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.transferLeadership(2);
        assertThat(sent(node)).containsExactly(new TimeoutNow(FIRST_TERM, 1, 2));
        node.transferLeadership(2);
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void section3_10_aLaggingTargetGetsTimeoutNowOnlyOnceItHoldsTheWholeLog() {
        RaftNode node = Nodes.leader(3, c -> c.withFlowControl(1, 1, 1 << 20));
        acceptNoop(node, 3);
        node.propose(command(1));
        node.propose(command(2));
        persist(node);
        accept(node, 3, FIRST_PROPOSAL);
        persist(node);
        node.transferLeadership(2);
        List<Message> messages = sent(node);
        assertThat(only(messages, TimeoutNow.class)).isEmpty();
        accept(node, 2, FIRST_PROPOSAL);
        assertThat(only(sent(node), TimeoutNow.class)).isEmpty();
        accept(node, 2, FIRST_PROPOSAL + 1);
        assertThat(only(sent(node), TimeoutNow.class)).containsExactly(new TimeoutNow(FIRST_TERM, 1, 2));
    }

    @Test
    void section3_10_noTimeoutNowIsSentWithoutATransfer() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.propose(command(1));
        persist(node);
        accept(node, 2, FIRST_PROPOSAL);
        accept(node, 3, FIRST_PROPOSAL);
        assertThat(only(sent(node), TimeoutNow.class)).isEmpty();
    }

    @Test
    void section3_10_aTransferGivesUpAfterAnElectionTimeoutCountedFromTheFirstRequest() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        node.propose(command(1));
        persist(node);
        accept(node, 3, FIRST_PROPOSAL);
        node.transferLeadership(2);
        for (int tick = 1; tick < RaftConfig.DEFAULT_ELECTION_TICKS_MIN; tick++) {
            node.tick();
            echo(node, 3, 0);
            if (tick == 5) {
                node.transferLeadership(2);
            }
            assertThatThrownBy(() -> node.propose(command(2))).as("tick %d", tick)
                    .isInstanceOf(ProposalRejectedException.class);
        }
        node.tick();
        assertThat(node.status().leadTransferee()).isEqualTo(RaftNode.NONE);
        assertThat(node.propose(command(2))).isEqualTo(FIRST_PROPOSAL + 1);
        assertThat(node.role()).isEqualTo(Role.LEADER);
    }
}
