package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.ReadIndexRequest;
import io.beacon.raft.message.ReadIndexResponse;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.sent;
import static io.beacon.raft.Nodes.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Followers, one node driven by hand: following the leader (§3.5), messages from stale terms (§3.3, §9.6). */
class FollowerTest {

    /** Node 2, following leader 1 in term 2, everything durable. */
    private static RaftNode follower(UnaryOperator<RaftConfig> configure) {
        RaftNode node = RaftNode.fresh(configure.apply(RaftConfig.defaults(2, voters(3))));
        node.step(new Heartbeat(2, 1, 2, 0, 1));
        persist(node);
        assertThat(node.leaderId()).isEqualTo(1);
        return node;
    }

    private static RaftNode follower() {
        return follower(UnaryOperator.identity());
    }

    @Test
    void section3_5_aHeartbeatMakesTheSenderTheKnownLeaderAndHoldsOffAnElection() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withPreVote(false));
        node.step(new RequestVote(1, 3, 2, 0, 0, false, false));
        persist(node);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN - 1; i++) {
                node.tick();
            }
            node.step(new Heartbeat(1, 1, 2, 0, round));
            assertThat(node.leaderId()).isEqualTo(1);
            assertThat(sent(node)).containsExactly(new HeartbeatResponse(1, 2, 1, round));
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(1);
    }

    @Test
    void section3_5_aFollowerInADurableTermAcknowledgesEntriesOnlyOnceTheyArePersisted() {
        RaftNode node = follower();
        node.step(new AppendEntries(2, 1, 2, 0, 0, List.of(Entry.noop(1, 2)), 1));
        Ready ready = node.ready();
        assertThat(ready.hardState()).isNull();
        assertThat(ready.entries()).containsExactly(Entry.noop(1, 2));
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(2, 2, 1, 1));
        assertThat(ready.committedEntries()).containsExactly(Entry.noop(1, 2));
        node.advance(ready);
        assertThat(node.status().stableIndex()).isEqualTo(1);
        assertThat(node.status().appliedIndex()).isEqualTo(1);
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void section3_5_aRejectionNamesTheFollowersLastEntryOfAnAcceptableTerm() {
        RaftNode node = follower();
        node.step(new AppendEntries(2, 1, 2, 0, 0,
                List.of(Entry.noop(1, 1), Entry.noop(2, 2), Entry.noop(3, 2)), 1));
        persist(node);
        node.step(new AppendEntries(2, 1, 2, 7, 3, List.of(), 1));
        assertThat(sent(node)).containsExactly(AppendEntriesResponse.rejected(2, 2, 1, 7, 3, 2));
        node.step(new AppendEntries(2, 1, 2, 3, 1, List.of(), 1));
        assertThat(sent(node)).containsExactly(AppendEntriesResponse.rejected(2, 2, 1, 3, 1, 1));
    }

    @Test
    void twoLeadersInOneTermBreakAnInvariant() {
        List<Message> fromAnotherLeader = List.of(
                new AppendEntries(2, 3, 2, 0, 0, List.of(), 0),
                new Heartbeat(2, 3, 2, 0, 1),
                new TimeoutNow(2, 3, 2));
        for (Message message : fromAnotherLeader) {
            RaftNode node = follower();
            assertThatThrownBy(() -> node.step(message)).as("%s", message)
                    .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("two leaders");
        }
        // The known leader itself may say all of it.
        RaftNode node = follower();
        node.step(new AppendEntries(2, 1, 2, 0, 0, List.of(), 0));
        node.step(new Heartbeat(2, 1, 2, 0, 2));
        node.step(new TimeoutNow(2, 1, 2));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(3);
    }

    @Test
    void section6_4_aFollowerRefusesReadIndexRequestsAndPassesOnTheLeadersAnswers() {
        RaftNode node = follower();
        node.step(new ReadIndexRequest(2, 3, 2, 11));
        node.step(new ReadIndexResponse(2, 1, 2, 12, 0, false));
        node.step(new ReadIndexResponse(2, 1, 2, 13, 5, true));
        assertThat(node.hasReady()).isTrue();
        Ready ready = persist(node);
        assertThat(ready.messages()).containsExactly(new ReadIndexResponse(2, 2, 3, 11, 0, false));
        assertThat(ready.readStates()).containsExactly(ReadState.rejected(12), ReadState.granted(13, 5));
    }

    @Test
    void section6_4_aNodeThatKnowsNoLeaderRefusesAReadAtOnce() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.readIndex(5);
        assertThat(node.hasReady()).isTrue();
        Ready ready = persist(node);
        assertThat(ready.readStates()).containsExactly(ReadState.rejected(5));
        assertThat(ready.messages()).isEmpty();
        assertThat(node.hasReady()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages from an earlier term

    private static List<Message> answersToStale(UnaryOperator<RaftConfig> configure, Message stale) {
        RaftNode node = follower(configure);
        node.step(stale);
        assertThat(node.term()).isEqualTo(2);
        assertThat(node.leaderId()).isEqualTo(1);
        return sent(node);
    }

    @Test
    void section9_6_aStaleLeaderIsToldTheNewTermWithPreVoteOrCheckQuorum() {
        List<UnaryOperator<RaftConfig>> configs = List.of(
                c -> c,
                c -> c.withPreVote(false),
                c -> c.withCheckQuorum(false));
        for (UnaryOperator<RaftConfig> configure : configs) {
            assertThat(answersToStale(configure, new Heartbeat(1, 3, 2, 0, 7)))
                    .containsExactly(new HeartbeatResponse(2, 2, 3, 0));
            assertThat(answersToStale(configure, new AppendEntries(1, 3, 2, 0, 0, List.of(), 0)))
                    .containsExactly(new HeartbeatResponse(2, 2, 3, 0));
        }
    }

    @Test
    void section3_3_withNeitherPreVoteNorCheckQuorumAStaleLeaderIsIgnored() {
        UnaryOperator<RaftConfig> plain = c -> c.withPreVote(false).withCheckQuorum(false);
        assertThat(answersToStale(plain, new Heartbeat(1, 3, 2, 0, 7))).isEmpty();
        assertThat(answersToStale(plain, new AppendEntries(1, 3, 2, 0, 0, List.of(), 0))).isEmpty();
    }

    @Test
    void section3_3_staleAnswersAndStaleRealVoteRequestsAreIgnored() {
        UnaryOperator<RaftConfig> defaults = UnaryOperator.identity();
        assertThat(answersToStale(defaults, AppendEntriesResponse.accepted(1, 3, 2, 0))).isEmpty();
        assertThat(answersToStale(defaults, new HeartbeatResponse(1, 3, 2, 0))).isEmpty();
        assertThat(answersToStale(defaults, new RequestVoteResponse(1, 3, 2, false, true))).isEmpty();
        assertThat(answersToStale(defaults, new RequestVote(1, 3, 2, 9, 1, false, false))).isEmpty();
        assertThat(answersToStale(defaults, new ReadIndexResponse(1, 3, 2, 4, 0, true))).isEmpty();
    }

    @Test
    void section9_6_aStalePreVoteRequestIsRefusedWithTheNewTerm() {
        assertThat(answersToStale(UnaryOperator.identity(), new RequestVote(1, 3, 2, 9, 1, true, false)))
                .containsExactly(new RequestVoteResponse(2, 2, 3, true, false));
    }

    @Test
    void section6_4_aStaleReadIndexRequestIsRefused() {
        assertThat(answersToStale(UnaryOperator.identity(), new ReadIndexRequest(1, 3, 2, 8)))
                .containsExactly(new ReadIndexResponse(2, 2, 3, 8, 0, false));
    }
}
