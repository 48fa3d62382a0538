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
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Followers, one node driven by hand: following the leader (§3.5), messages from stale terms (§3.3, §9.6). */
class FollowerTest {

    /** Node 2, bootstrapped and following leader 1 in term 2 (the first after the bootstrap), everything durable. */
    private static RaftNode follower(UnaryOperator<RaftConfig> configure) {
        RaftNode node = RaftNode.fresh(configure.apply(RaftConfig.defaults(2, voters(3))));
        node.step(new Heartbeat(FIRST_TERM, 1, 2, 0, 1));
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
        node.step(new RequestVote(FIRST_TERM, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        persist(node);
        assertThat(node.votedFor()).isEqualTo(3);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN - 1; i++) {
                node.tick();
            }
            node.step(new Heartbeat(FIRST_TERM, 1, 2, 0, round));
            assertThat(node.leaderId()).isEqualTo(1);
            assertThat(sent(node)).containsExactly(new HeartbeatResponse(FIRST_TERM, 2, 1, round));
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
    }

    @Test
    void section5_2_requestsForVotesItRefusesDoNotHoldOffTheElectionOfTheFollowerWithTheLongerLog() {
        RaftNode node = follower(config -> config.withPreVote(false).withCheckQuorum(false));
        Entry noop = Entry.noop(FIRST_NOOP, FIRST_TERM);
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(noop), FIRST_NOOP));
        persist(node);
        // The leader falls silent; node 3, whose log ends before the noop, campaigns again and again, each time in
        // a new term. Node 2 refuses every one (its log is longer), so none of them restarts its election timer.
        long candidateTerm = FIRST_TERM;
        for (int tick = 1; tick <= RaftConfig.DEFAULT_ELECTION_TICKS_MAX && node.role() == Role.FOLLOWER; tick++) {
            if (tick % 3 == 0) {
                candidateTerm = node.term() + 1;
                node.step(new RequestVote(candidateTerm, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
                assertThat(sent(node)).containsExactly(new RequestVoteResponse(candidateTerm, 2, 3, false, false));
            }
            node.tick();
        }
        assertThat(node.role()).as("it times out as if the refused candidates had said nothing")
                .isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(candidateTerm + 1);
    }

    @Test
    void section3_5_aFollowerInADurableTermAcknowledgesEntriesOnlyOnceTheyArePersisted() {
        RaftNode node = follower();
        Entry noop = Entry.noop(FIRST_NOOP, FIRST_TERM);
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(noop), FIRST_NOOP));
        Ready ready = node.ready();
        assertThat(ready.hardState()).isNull();
        assertThat(ready.entries()).containsExactly(noop);
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist())
                .containsExactly(AppendEntriesResponse.accepted(FIRST_TERM, 2, 1, FIRST_NOOP));
        assertThat(ready.committedEntries()).containsExactly(noop);
        node.advance(ready);
        assertThat(node.status().stableIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.status().appliedIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void section3_5_aRejectionNamesTheFollowersLastEntryOfAnAcceptableTerm() {
        RaftNode node = follower();
        node.step(new AppendEntries(2, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(2, 2), Entry.noop(3, 2)), 1));
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
        node.step(new AppendEntries(2, 1, 2, 0, 0, List.of(), 0));
        node.readIndex(12);
        node.readIndex(13);
        node.step(new ReadIndexRequest(2, 3, 2, 11));
        node.step(new ReadIndexResponse(2, 1, 2, 12, 0, false));
        node.step(new ReadIndexResponse(2, 1, 2, 13, 5, true));
        // An answer to a read this node never forwarded (or already answered) is ignored.
        node.step(new ReadIndexResponse(2, 1, 2, 13, 6, true));
        node.step(new ReadIndexResponse(2, 1, 2, 14, 6, true));
        assertThat(node.hasReady()).isTrue();
        Ready ready = persist(node);
        assertThat(ready.messages()).contains(new ReadIndexResponse(2, 2, 3, 11, 0, false));
        assertThat(ready.readStates()).containsExactly(ReadState.rejected(12), ReadState.granted(13, 5));
    }

    @Test
    void section6_4_readsForwardedToALeaderAreRejectedWhenTheTermChanges() {
        RaftNode node = follower();
        node.step(new AppendEntries(2, 1, 2, 0, 0, List.of(), 0));
        node.readIndex(21);
        node.readIndex(22);
        assertThat(persist(node).readStates()).isEmpty();
        node.step(new Heartbeat(3, 3, 2, 0, 1));
        Ready ready = persist(node);
        assertThat(ready.readStates()).containsExactly(ReadState.rejected(21), ReadState.rejected(22));
        // The old leader's late answer changes nothing.
        node.step(new ReadIndexResponse(3, 1, 2, 21, 5, true));
        assertThat(persist(node).readStates()).isEmpty();
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
    void section3_3_aStaleLeaderIsToldTheNewTermWhateverTheSettings() {
        // With pre-vote or check-quorum a node may move on without the old leader ever seeing a vote request from
        // the new term; without them a re-added server may hold a higher term. Either way the answer deposes it.
        List<UnaryOperator<RaftConfig>> configs = List.of(
                c -> c,
                c -> c.withPreVote(false),
                c -> c.withCheckQuorum(false),
                c -> c.withPreVote(false).withCheckQuorum(false));
        for (UnaryOperator<RaftConfig> configure : configs) {
            assertThat(answersToStale(configure, new Heartbeat(1, 3, 2, 0, 7)))
                    .containsExactly(new HeartbeatResponse(2, 2, 3, 0));
            assertThat(answersToStale(configure, new AppendEntries(1, 3, 2, 0, 0, List.of(), 0)))
                    .containsExactly(new HeartbeatResponse(2, 2, 3, 0));
            assertThat(answersToStale(configure, new io.beacon.raft.message.InstallSnapshot(1, 3, 2, 5, 1,
                    Configuration.of(voters(3)), 0, new byte[1], true)))
                    .containsExactly(new HeartbeatResponse(2, 2, 3, 0));
        }
    }

    @Test
    void section3_3_aLeaderOrCandidateAlsoTellsAStaleLeaderTheNewTermAndStaysWhatItIs() {
        RaftNode leader = Nodes.leader(3);
        leader.step(new Heartbeat(FIRST_TERM - 1, 2, 1, 0, 7));
        leader.step(new AppendEntries(FIRST_TERM - 1, 3, 1, 0, 0, List.of(), 0));
        Ready ready = persist(leader);
        // The term is durable already: the answers need not wait for a write.
        assertThat(ready.messages()).containsExactly(new HeartbeatResponse(FIRST_TERM, 1, 2, 0),
                new HeartbeatResponse(FIRST_TERM, 1, 3, 0));
        assertThat(ready.messagesAfterPersist()).isEmpty();
        assertThat(leader.role()).isEqualTo(Role.LEADER);
        assertThat(leader.term()).isEqualTo(FIRST_TERM);

        RaftNode candidate = Nodes.candidate(3, UnaryOperator.identity());
        candidate.step(new io.beacon.raft.message.InstallSnapshot(FIRST_TERM - 1, 2, 1, 5, 1,
                Configuration.of(voters(3)), 0, new byte[1], true));
        assertThat(sent(candidate)).containsExactly(new HeartbeatResponse(FIRST_TERM, 1, 2, 0));
        assertThat(candidate.role()).isEqualTo(Role.CANDIDATE);
        assertThat(candidate.snapshot().index()).isZero();
    }

    @Test
    void aHigherTermNamesItsSenderTheLeaderOnlyWhenTheSenderActsAsLeader() {
        long next = FIRST_TERM + 1;
        // A leader's messages: the sender leads the new term.
        List<Message> fromLeader = List.of(
                new Heartbeat(next, 3, 2, 0, 1),
                new AppendEntries(next, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(), 0),
                new io.beacon.raft.message.InstallSnapshot(next, 3, 2, 5, next, Configuration.of(voters(3)), 0,
                        new byte[1], false));
        for (Message message : fromLeader) {
            RaftNode node = follower();
            node.step(message);
            assertThat(node.term()).as("%s", message).isEqualTo(next);
            assertThat(node.leaderId()).as("%s", message).isEqualTo(3);
            assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        }
        // Anything else: a new term, and no leader known in it.
        List<Message> fromOthers = List.of(
                new ReadIndexRequest(next, 3, 2, 5),
                new ReadIndexResponse(next, 3, 2, 5, 0, false),
                AppendEntriesResponse.accepted(next, 3, 2, 1),
                new HeartbeatResponse(next, 3, 2, 0),
                new RequestVoteResponse(next, 3, 2, false, false));
        for (Message message : fromOthers) {
            RaftNode node = follower();
            node.step(message);
            assertThat(node.term()).as("%s", message).isEqualTo(next);
            assertThat(node.leaderId()).as("%s", message).isEqualTo(RaftNode.NONE);
            assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
        }
        // A voter told to campaign by the leader of a later term does so at once, in the term after it.
        RaftNode node = follower();
        node.step(new TimeoutNow(next, 3, 2));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(next + 1);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section3_5_aMalformedEntryFromTheLeaderChangesNothing() {
        RaftNode node = follower();
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(FIRST_NOOP, FIRST_TERM)), BOOTSTRAP_INDEX));
        persist(node);
        Entry malformed = new Entry(FIRST_NOOP + 2, FIRST_TERM, EntryType.CONFIGURATION, new byte[] {1, 2});
        assertThatThrownBy(() -> node.step(new AppendEntries(FIRST_TERM, 1, 2, FIRST_NOOP, FIRST_TERM,
                List.of(Entry.noop(FIRST_NOOP + 1, FIRST_TERM), malformed), FIRST_NOOP)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(node.lastIndex()).isEqualTo(FIRST_NOOP);
        assertThat(node.commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(node.configuration()).isEqualTo(Configuration.of(voters(3)));
        assertThat(node.hasReady()).isFalse();
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
