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
        while (node.role() != Role.PRE_CANDIDATE) {
            node.tick();
        }
        return node;
    }

    @Test
    void section3_4_aCandidateAsksEveryOtherVoterOnceForARealVote() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, voters(3)).withPreVote(false));
        while (node.role() != Role.CANDIDATE) {
            node.tick();
        }
        assertThat(sentOf(node, RequestVote.class)).containsExactly(
                new RequestVote(1, 1, 2, 0, 0, false, false),
                new RequestVote(1, 1, 3, 0, 0, false, false));
    }

    @Test
    void section3_4_aCandidateRejectedByAMajorityReturnsToFollowerInItsTerm() {
        RaftNode node = Nodes.candidate(3, UnaryOperator.identity());
        node.step(new RequestVoteResponse(1, 2, 1, false, false));
        assertThat(node.role()).as("one rejection of three: still open").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(1, 3, 1, false, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(1);
        assertThat(node.leaderId()).isEqualTo(RaftNode.NONE);
        assertThat(node.votedFor()).as("it keeps its own vote of this term").isEqualTo(1);
    }

    @Test
    void section3_4_aCandidateWinsWithAMajorityDespiteARejection() {
        RaftNode node = Nodes.candidate(5, UnaryOperator.identity());
        node.step(new RequestVoteResponse(1, 2, 1, false, false));
        node.step(new RequestVoteResponse(1, 3, 1, false, true));
        node.step(new RequestVoteResponse(1, 3, 1, false, true));
        assertThat(node.role()).as("a repeated grant counts once").isEqualTo(Role.CANDIDATE);
        node.step(new RequestVoteResponse(1, 4, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.leaderId()).isEqualTo(1);
    }

    @Test
    void section9_6_aCandidateIgnoresPreVoteAnswersAndAPreCandidateIgnoresRealVotes() {
        RaftNode candidate = Nodes.candidate(3, UnaryOperator.identity());
        candidate.step(new RequestVoteResponse(1, 2, 1, true, true));
        candidate.step(new RequestVoteResponse(1, 3, 1, true, false));
        candidate.step(new RequestVoteResponse(1, 2, 1, true, false));
        assertThat(candidate.role()).isEqualTo(Role.CANDIDATE);

        RaftNode preCandidate = preCandidate(3);
        preCandidate.step(new RequestVoteResponse(0, 2, 1, false, true));
        preCandidate.step(new RequestVoteResponse(0, 3, 1, false, false));
        assertThat(preCandidate.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(preCandidate.term()).isZero();
    }

    @Test
    void section9_6_aGrantedPreVoteCountsOnlyWithTheTermThePreCandidateWouldCampaignIn() {
        RaftNode node = preCandidate(3);
        persist(node);
        // A grant that carries the pre-candidate's current term answers nothing it asked.
        node.step(new RequestVoteResponse(0, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(1, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(1);
        List<Message> requests = sent(node);
        assertThat(requests).containsExactly(
                new RequestVote(1, 1, 2, 0, 0, false, false),
                new RequestVote(1, 1, 3, 0, 0, false, false));
    }

    @Test
    void section9_6_aPreCandidateRejectedByAMajorityReturnsToFollowerWithoutRaisingItsTerm() {
        RaftNode node = preCandidate(3);
        assertThat(node.hasReady()).isTrue();
        Ready ready = node.ready();
        // Pre-vote requests change nothing durable, so they leave at once.
        assertThat(ready.hardState()).isNull();
        assertThat(ready.messagesAfterPersist()).isEmpty();
        assertThat(ready.messages()).containsExactly(
                new RequestVote(1, 1, 2, 0, 0, true, false),
                new RequestVote(1, 1, 3, 0, 0, true, false));
        node.advance(ready);
        // A rejected pre-vote carries the voter's own term.
        node.step(new RequestVoteResponse(0, 2, 1, true, false));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(0, 3, 1, true, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isZero();
        assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_eachPreVoteRoundCountsOnlyItsOwnAnswers() {
        RaftNode node = preCandidate(5);
        persist(node);
        node.step(new RequestVoteResponse(1, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        // No answer from a majority: the election timer runs out and a new round starts.
        int ticks = 0;
        while (sentOf(node, RequestVote.class).isEmpty()) {
            node.tick();
            ticks++;
        }
        assertThat(ticks).isBetween(RaftConfig.DEFAULT_ELECTION_TICKS_MIN, RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        node.step(new RequestVoteResponse(1, 3, 1, true, true));
        assertThat(node.role()).as("node 2's grant belonged to the previous round").isEqualTo(Role.PRE_CANDIDATE);
        node.step(new RequestVoteResponse(1, 2, 1, true, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void section3_4_aCandidateThatHearsFromTheLeaderOfItsTermBecomesItsFollower() {
        RaftNode byAppend = Nodes.candidate(3, UnaryOperator.identity());
        byAppend.step(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.noop(1, 1)), 0));
        assertThat(byAppend.role()).isEqualTo(Role.FOLLOWER);
        assertThat(byAppend.leaderId()).isEqualTo(2);
        assertThat(byAppend.lastIndex()).isEqualTo(1);
        assertThat(byAppend.lastTerm()).isEqualTo(1);
        assertThat(sent(byAppend)).containsExactly(AppendEntriesResponse.accepted(1, 1, 2, 1));

        RaftNode byHeartbeat = Nodes.candidate(3, UnaryOperator.identity());
        byHeartbeat.step(new Heartbeat(1, 3, 1, 0, 4));
        assertThat(byHeartbeat.role()).isEqualTo(Role.FOLLOWER);
        assertThat(byHeartbeat.leaderId()).isEqualTo(3);
        assertThat(sent(byHeartbeat)).containsExactly(new HeartbeatResponse(1, 1, 3, 4));
    }

    @Test
    void section6_4_aCandidateRefusesReadsItIsAskedForAndPassesOnAnswersItGets() {
        RaftNode node = Nodes.candidate(3, UnaryOperator.identity());
        node.step(new ReadIndexRequest(1, 2, 1, 42));
        node.step(new ReadIndexResponse(1, 2, 1, 7, 0, false));
        Ready ready = persist(node);
        assertThat(ready.messages()).containsExactly(new ReadIndexResponse(1, 1, 2, 42, 0, false));
        assertThat(ready.readStates()).containsExactly(ReadState.rejected(7));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void section9_6_aLeaderThatSteppedDownIgnoresLateAnswersToItsLeadershipWhileAskingForPreVotes() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(1);
        RaftNode node = cluster.node(1);
        while (node.role() != Role.PRE_CANDIDATE) {
            node.tick();
            cluster.stabilize();
        }
        // Check-quorum made it a follower of term 1; pre-voting does not raise the term.
        assertThat(node.term()).isEqualTo(1);
        node.step(new HeartbeatResponse(1, 2, 1, 3));
        node.step(AppendEntriesResponse.accepted(1, 2, 1, 1));
        node.step(AppendEntriesResponse.rejected(1, 3, 1, 1, 0, 0));
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(node.term()).isEqualTo(1);
        assertThat(node.hasReady()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The vote rules

    @Test
    void section3_4_aFollowerThatKnowsTheLeaderOfItsTermVotesForNobodyElse() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withCheckQuorum(false));
        node.step(new Heartbeat(1, 1, 2, 0, 1));
        persist(node);
        node.step(new RequestVote(1, 3, 2, 5, 1, false, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(1, 2, 3, false, false));
        assertThat(node.votedFor()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_aPreVoteIsGrantedDespiteAVoteOnlyForALaterTerm() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withPreVote(false));
        node.step(new RequestVote(2, 1, 2, 0, 0, false, false));
        persist(node);
        assertThat(node.votedFor()).isEqualTo(1);
        // A pre-vote for the current term competes with the vote already cast in it.
        node.step(new RequestVote(2, 3, 2, 0, 0, true, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(2, 2, 3, true, false));
        node.step(new RequestVote(3, 3, 2, 0, 0, true, false));
        assertThat(sent(node)).containsExactly(new RequestVoteResponse(3, 2, 3, true, true));
        assertThat(node.term()).isEqualTo(2);
        assertThat(node.votedFor()).isEqualTo(1);
    }

    @Test
    void section3_8_aVoteCastInAnAlreadyDurableTermStillLeavesOnlyAfterItIsPersisted() {
        RaftConfig config = RaftConfig.defaults(1, voters(3)).withPreVote(false);
        RaftNode node = new RaftNode(config, new HardState(1, RaftNode.NONE), List.of(Entry.noop(1, 1)), 0);
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
                        () -> new RaftNode(config, new HardState(1, 0), List.of(Entry.noop(1, 2)), 0))
                .isInstanceOf(Checks.InvariantViolation.class);
        RaftNode node = new RaftNode(config, new HardState(2, 0), List.of(Entry.noop(1, 2)), 0);
        assertThat(node.lastTerm()).isEqualTo(2);
        assertThat(node.term()).isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Nodes that are not voters

    @Test
    void aNodeThatIsNotAVoterNeverCampaignsNotEvenWhenToldTo() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, voters(3)));
        for (int i = 0; i < 100; i++) {
            node.tick();
        }
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.hasReady()).isFalse();
        node.step(new TimeoutNow(1, 1, 4));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(1);
        assertThat(sentOf(node, RequestVote.class)).isEmpty();
    }

    @Test
    void section4_2_3_aNodeThatIsNotAVoterStopsDeferringToASilentLeaderAfterAnElectionTimeout() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(4, voters(3)));
        node.step(new Heartbeat(1, 1, 4, 0, 1));
        persist(node);
        for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MAX - 1; i++) {
            node.tick();
        }
        node.step(new RequestVote(2, 2, 4, 0, 0, false, false));
        assertThat(node.term()).isEqualTo(2);
    }
}
