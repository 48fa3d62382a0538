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
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static io.beacon.raft.Nodes.sent;
import static io.beacon.raft.Nodes.sentOf;
import static io.beacon.raft.Nodes.voters;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Candidates and voters, one node driven by hand: counting votes (§3.4), the vote rules (§3.4, §3.6.1),
 * pre-vote rounds (§9.6), and nodes that are not voters.
 */
class CandidateTest {

    private static RaftNode preCandidate(int size) {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, voters(size)));
        tickUntil(node, () -> node.role() == Role.PRE_CANDIDATE);
        return node;
    }

    @Test
    void section3_4_aCandidateAsksEveryOtherVoterOnceForARealVote() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, voters(3)).withPreVote(false));
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        // Its log holds the bootstrap configuration entry, which every other initial member holds too.
        assertThat(sentOf(node, RequestVote.class)).containsExactly(
                new RequestVote(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false),
                new RequestVote(FIRST_TERM, 1, 3, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
    }

    @Test
    void section3_4_aCandidateRejectedByAMajorityReturnsToFollowerInItsTerm() {
        RaftNode node = Nodes.candidate(3, UnaryOperator.identity());
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, false, false));
        assertThat(node.role()).as("one rejection of three: still open").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(FIRST_TERM, 3, 1, false, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        assertThat(node.votedFor()).as("it keeps its own vote of this term").isEqualTo(1);
    }

    @Test
    void section3_4_aCandidateWinsWithAMajorityDespiteARejection() {
        RaftNode node = Nodes.candidate(5, UnaryOperator.identity());
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, false, false));
        node.step(new RequestVoteResponse(FIRST_TERM, 3, 1, false, true));
        node.step(new RequestVoteResponse(FIRST_TERM, 3, 1, false, true));
        assertThat(node.role()).as("a repeated grant counts once").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(FIRST_TERM, 4, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.leaderId()).isEqualTo(1);
    }

    @Test
    void section9_6_aCandidateIgnoresPreVoteAnswersAndAPreCandidateIgnoresRealVotes() {
        RaftNode candidate = Nodes.candidate(3, UnaryOperator.identity());
        candidate.step(new RequestVoteResponse(FIRST_TERM, 2, 1, true, true));
        candidate.step(new RequestVoteResponse(FIRST_TERM, 3, 1, true, false));
        candidate.step(new RequestVoteResponse(FIRST_TERM, 2, 1, true, false));
        assertThat(candidate.role()).isEqualTo(Role.CANDIDATE);

        RaftNode preCandidate = preCandidate(3);
        preCandidate.step(new RequestVoteResponse(BOOTSTRAP_TERM, 2, 1, false, true));
        preCandidate.step(new RequestVoteResponse(BOOTSTRAP_TERM, 3, 1, false, false));
        assertThat(preCandidate.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(preCandidate.term()).isEqualTo(BOOTSTRAP_TERM);
    }

    @Test
    void section9_6_aGrantedPreVoteCountsOnlyWithTheTermThePreCandidateWouldCampaignIn() {
        RaftNode node = preCandidate(3);
        persist(node);
        // A grant that carries the pre-candidate's current term answers nothing it asked.
        node.step(new RequestVoteResponse(BOOTSTRAP_TERM, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        List<Message> requests = sent(node);
        assertThat(requests).containsExactly(
                new RequestVote(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false),
                new RequestVote(FIRST_TERM, 1, 3, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
    }

    @Test
    void section9_6_aPreCandidateRejectedByAMajorityReturnsToFollowerWithoutRaisingItsTerm() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, voters(3)));
        // The bootstrap is persisted first, so the Ready with the pre-votes has nothing of its own to persist.
        persist(node);
        tickUntil(node, () -> node.role() == Role.PRE_CANDIDATE);
        assertThat(node.hasReady()).isTrue();
        Ready ready = node.ready();
        // Pre-vote requests change nothing durable, so they leave at once.
        assertThat(ready.hardState()).isNull();
        assertThat(ready.entries()).isEmpty();
        assertThat(ready.messagesAfterPersist()).isEmpty();
        assertThat(ready.messages()).containsExactly(
                new RequestVote(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, true, false),
                new RequestVote(FIRST_TERM, 1, 3, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, true, false));
        node.advance(ready);
        // A rejected pre-vote carries the voter's own term.
        node.step(new RequestVoteResponse(BOOTSTRAP_TERM, 2, 1, true, false));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(BOOTSTRAP_TERM, 3, 1, true, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_eachPreVoteRoundCountsOnlyItsOwnAnswers() {
        RaftNode node = preCandidate(5);
        persist(node);
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        // No answer from a majority: the election timer runs out and a new round starts.
        int ticks = tickUntil(node, () -> !sentOf(node, RequestVote.class).isEmpty());
        assertThat(ticks).isBetween(RaftConfig.DEFAULT_ELECTION_TICKS_MIN, RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        node.step(new RequestVoteResponse(FIRST_TERM, 3, 1, true, true));
        assertThat(node.role()).as("node 2's grant belonged to the previous round").isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(FIRST_TERM, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void section3_4_aCandidateThatHearsFromTheLeaderOfItsTermBecomesItsFollower() {
        RaftNode byAppend = Nodes.candidate(3, UnaryOperator.identity());
        byAppend.step(new AppendEntries(FIRST_TERM, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(FIRST_NOOP, FIRST_TERM)), BOOTSTRAP_INDEX));
        assertThat(byAppend.role()).isEqualTo(Role.FOLLOWER);
        assertThat(byAppend.leaderId()).isEqualTo(2);
        assertThat(byAppend.lastIndex()).isEqualTo(FIRST_NOOP);
        assertThat(byAppend.lastTerm()).isEqualTo(FIRST_TERM);
        assertThat(sent(byAppend)).containsExactly(AppendEntriesResponse.accepted(FIRST_TERM, 1, 2, FIRST_NOOP));

        RaftNode byHeartbeat = Nodes.candidate(3, UnaryOperator.identity());
        byHeartbeat.step(new Heartbeat(FIRST_TERM, 3, 1, 0, 4));
        assertThat(byHeartbeat.role()).isEqualTo(Role.FOLLOWER);
        assertThat(byHeartbeat.leaderId()).isEqualTo(3);
        assertThat(sent(byHeartbeat)).containsExactly(new HeartbeatResponse(FIRST_TERM, 1, 3, 4));
    }

    @Test
    void section6_4_aCandidateRefusesReadsItIsAskedForAndIgnoresAnswersToReadsItNeverForwarded() {
        RaftNode node = Nodes.candidate(3, UnaryOperator.identity());
        node.step(new ReadIndexRequest(FIRST_TERM, 2, 1, 42));
        node.step(new ReadIndexResponse(FIRST_TERM, 2, 1, 7, 0, false));
        Ready ready = persist(node);
        assertThat(ready.messages()).containsExactly(new ReadIndexResponse(FIRST_TERM, 1, 2, 42, 0, false));
        assertThat(ready.readStates()).isEmpty();
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void section9_6_aLeaderThatSteppedDownIgnoresLateAnswersToItsLeadershipWhileAskingForPreVotes() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(1);
        RaftNode node = cluster.node(1);
        for (int i = 0; i < 100 && node.role() != Role.PRE_CANDIDATE; i++) {
            node.tick();
            cluster.stabilize();
        }
        // Check-quorum made it a follower of its term; pre-voting does not raise the term.
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        node.step(new HeartbeatResponse(FIRST_TERM, 2, 1, 3));
        node.step(AppendEntriesResponse.accepted(FIRST_TERM, 2, 1, FIRST_NOOP));
        node.step(AppendEntriesResponse.rejected(FIRST_TERM, 3, 1, FIRST_NOOP, 0, 0));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(node.hasReady()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The vote rules

    @Test
    void section3_4_aFollowerThatKnowsTheLeaderOfItsTermVotesForNobodyElse() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withCheckQuorum(false));
        node.step(new Heartbeat(FIRST_TERM, 1, 2, 0, 1));
        persist(node);
        node.step(new RequestVote(FIRST_TERM, 3, 2, 5, FIRST_TERM, false, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(FIRST_TERM, 2, 3, false, false));
        assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_aPreVoteIsGrantedDespiteAVoteOnlyForALaterTerm() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withPreVote(false));
        node.step(new RequestVote(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        persist(node);
        assertThat(node.votedFor()).isEqualTo(1);
        // A pre-vote for the current term competes with the vote already cast in it.
        node.step(new RequestVote(FIRST_TERM, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, true, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(FIRST_TERM, 2, 3, true, false));
        node.step(new RequestVote(FIRST_TERM + 1, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, true, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(FIRST_TERM + 1, 2, 3, true, true));
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(node.votedFor()).isEqualTo(1);
    }

    @Test
    void section3_8_aVoteCastInAnAlreadyDurableTermStillLeavesOnlyAfterItIsPersisted() {
        RaftConfig config = RaftConfig.defaults(1, voters(3)).withPreVote(false);
        RaftNode node = new RaftNode(config,
                new PersistentState(new HardState(1, RaftNode.NONE), null, List.of(Entry.noop(1, 1))));
        node.step(new RequestVote(1, 2, 1, 1, 1, false, false));
        Ready ready = node.ready();
        assertThat(ready.hardState()).isEqualTo(new HardState(1, 2));
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(new RequestVoteResponse(1, 1, 2, false, true));
        node.advance(ready);
        // A refusal in the same term changes no durable state, yet it also waits for the Ready's persistence.
        node.step(new RequestVote(1, 3, 1, 1, 1, false, false));
        assertThat(node.hasReady()).isTrue();
        Ready refusal = node.ready();
        assertThat(refusal.hardState()).isNull();
        assertThat(refusal.messages()).isEmpty();
        assertThat(refusal.messagesAfterPersist()).containsExactly(new RequestVoteResponse(1, 1, 3, false, false));
    }

    @Test
    void aRestartedNodeRefusesAHardStateBehindItsLog() {
        RaftConfig config = RaftConfig.defaults(1, voters(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RaftNode(config,
                                new PersistentState(new HardState(1, 0), null, List.of(Entry.noop(1, 2)))))
                .isInstanceOf(Checks.InvariantViolation.class);
        RaftNode node = new RaftNode(config,
                new PersistentState(new HardState(2, 0), null, List.of(Entry.noop(1, 2))));
        assertThat(node.lastTerm()).isEqualTo(2);
        assertThat(node.term()).isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Nodes that are not voters

    @Test
    void aNodeThatIsNotAVoterNeverCampaignsNotEvenWhenToldTo() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, voters(3)));
        // It was configured with voters, so it bootstraps like the others, but not as a voter.
        persist(node);
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.hasReady()).isFalse();
        node.step(new TimeoutNow(FIRST_TERM, 1, 4));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(FIRST_TERM);
        assertThat(node.leaderId()).isEqualTo(1);
        assertThat(sentOf(node, RequestVote.class)).isEmpty();
    }

    @Test
    void section4_2_3_aNodeThatIsNotAVoterStopsDeferringToASilentLeaderAfterAnElectionTimeout() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, voters(3)));
        node.step(new Heartbeat(FIRST_TERM, 1, 4, 0, 1));
        persist(node);
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MAX - 1; i++) {
            node.tick();
        }
        node.step(new RequestVote(FIRST_TERM + 1, 2, 4, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        assertThat(node.term()).isEqualTo(FIRST_TERM + 1);
    }
}
