package io.beacon.raft;

import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;
import org.junit.jupiter.api.Test;

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
import static org.assertj.core.api.Assertions.tuple;

/** Leader election: §3.4 (election), §3.6.1 (election restriction), §3.8 (persisted state), §9.6 (pre-vote, check-quorum). */
class ElectionTest {

    @Test
    void section3_4_aFollowerThatHearsNothingBecomesLeaderOfTheNextTerm() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);

        assertThat(cluster.deliveredOf(RequestVote.class)).extracting(RequestVote::term, RequestVote::preVote)
                .containsExactly(tuple(FIRST_TERM, true), tuple(FIRST_TERM, true), tuple(FIRST_TERM, false),
                        tuple(FIRST_TERM, false));
        assertThat(cluster.deliveredOf(RequestVote.class)).noneMatch(RequestVote::leadershipTransfer);
        // Every node bootstrapped into term 1, so the first election is for the next term.
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(FIRST_TERM);
        for (long id = 2; id <= 3; id++) {
            assertThat(cluster.node(id).role()).isEqualTo(Role.FOLLOWER);
            assertThat(cluster.node(id).term()).isEqualTo(FIRST_TERM);
            assertThat(cluster.node(id).leaderId()).isEqualTo(1);
            assertThat(cluster.node(id).votedFor()).isEqualTo(1);
        }
    }

    @Test
    void section3_4_electionTimeoutIsRandomizedWithinTheConfiguredRange() {
        java.util.TreeSet<Integer> timeouts = new java.util.TreeSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)).withRandomSeed(seed));
            timeouts.add(tickUntil(node, () -> node.role() != Role.FOLLOWER));
        }
        assertThat(timeouts.first()).isGreaterThanOrEqualTo(RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        assertThat(timeouts.last()).isLessThan(RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        assertThat(timeouts).hasSizeGreaterThan(5);
    }

    @Test
    void section3_4_aVoterGrantsOneVotePerTerm() {
        RaftNode voter = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)).withPreVote(false));
        voter.step(new RequestVote(FIRST_TERM, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        voter.step(new RequestVote(FIRST_TERM, 3, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        Ready ready = voter.ready();

        assertThat(ready.messagesAfterPersist()).containsExactly(
                new RequestVoteResponse(FIRST_TERM, 1, 2, false, true),
                new RequestVoteResponse(FIRST_TERM, 1, 3, false, false));
        assertThat(ready.hardState()).isEqualTo(new HardState(FIRST_TERM, 2));
    }

    @Test
    void section3_4_aRepeatedRequestFromTheSameCandidateIsGrantedAgain() {
        RaftNode voter = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)));
        voter.step(new RequestVote(FIRST_TERM, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        voter.step(new RequestVote(FIRST_TERM, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));

        assertThat(voter.ready().messagesAfterPersist()).extracting(m -> ((RequestVoteResponse) m).granted())
                .containsExactly(true, true);
    }

    @Test
    void section3_6_1_aVoterRefusesACandidateWhoseLogIsBehind() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).propose(new byte[] {1});
        cluster.stabilize();
        // Node 3 has the entry, node 2 pretends to have only the leader's no-op.
        RaftNode voter = cluster.node(3);
        long term = voter.term() + 1;
        voter.step(new RequestVote(term, 2, 3, FIRST_NOOP, FIRST_TERM, false, true));
        Message answer = voter.ready().messagesAfterPersist().get(0);
        assertThat(answer).isEqualTo(new RequestVoteResponse(term, 3, 2, false, false));

        // A longer log of the same last term is up to date; so is any log with a higher last term.
        RaftNode other = cluster.node(2);
        other.step(new RequestVote(term, 1, 2, FIRST_PROPOSAL + 2, FIRST_TERM, false, true));
        assertThat(((RequestVoteResponse) other.ready().messagesAfterPersist().get(0)).granted()).isTrue();
    }

    @Test
    void section3_6_1_aCandidateMissingACommittedEntryCannotWin() {
        int refusedCampaigns = 0;
        for (long seed = 1; seed <= 30; seed++) {
            long salt = seed;
            TestCluster cluster = new TestCluster(3, config -> config.withRandomSeed(config.id() * 1000 + salt));
            cluster.elect(1);
            cluster.isolate(3);
            cluster.node(1).propose(new byte[] {7});
            cluster.stabilize();
            assertThat(cluster.node(1).commitIndex()).isEqualTo(FIRST_PROPOSAL);
            cluster.heal();
            cluster.isolate(1);
            cluster.delivered.clear();
            // Node 3 missed the proposal; only node 2 has it, so only node 2 can win, whoever times out first.
            assertThat(cluster.awaitLeaderOtherThan(1)).isEqualTo(2);
            if (cluster.deliveredOf(RequestVoteResponse.class).stream()
                    .anyMatch(r -> r.from() == 2 && r.to() == 3 && !r.granted())) {
                refusedCampaigns++;
            }
        }
        assertThat(refusedCampaigns).as("seeds in which node 3 campaigned first and was refused").isPositive();
    }

    @Test
    void section3_8_votesAndNewTermsLeaveOnlyAfterTheyArePersisted() {
        RaftNode candidate = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)).withPreVote(false));
        tickUntil(candidate, () -> candidate.role() == Role.CANDIDATE);
        Ready ready = candidate.ready();
        assertThat(ready.hardState()).isEqualTo(new HardState(FIRST_TERM, 1));
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).hasSize(2).allMatch(m -> m instanceof RequestVote);

        // A follower learning a new term from a heartbeat answers only once the term is durable.
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, List.of(1L, 2L, 3L)));
        follower.step(new Heartbeat(4, 1, 2, 0, 1));
        Ready followerReady = follower.ready();
        assertThat(followerReady.hardState()).isEqualTo(new HardState(4, 0));
        assertThat(followerReady.messages()).isEmpty();
        assertThat(followerReady.messagesAfterPersist()).containsExactly(new HeartbeatResponse(4, 2, 1, 1));
        follower.advance(followerReady);
        follower.step(new Heartbeat(4, 1, 2, 0, 2));
        assertThat(follower.ready().messages()).containsExactly(new HeartbeatResponse(4, 2, 1, 2));
    }

    @Test
    void section3_8_aRestartedNodeRemembersItsTermAndVote() {
        TestCluster cluster = new TestCluster(3, config -> config.withPreVote(false));
        cluster.node(2).step(new RequestVote(5, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        cluster.stabilize();
        cluster.restart(2);
        RaftNode restarted = cluster.node(2);
        assertThat(restarted.term()).isEqualTo(5);
        assertThat(restarted.votedFor()).isEqualTo(3);

        restarted.step(new RequestVote(5, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        assertThat(restarted.ready().messagesAfterPersist())
                .containsExactly(new RequestVoteResponse(5, 2, 1, false, false));
    }

    @Test
    void section3_8_aVoteWhosePersistenceWasLostWasNeverSent() {
        TestCluster cluster = new TestCluster(3, config -> config.withPreVote(false));
        cluster.stabilize();
        cluster.disks.get(2L).held = true;
        cluster.node(2).step(new RequestVote(5, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        cluster.processReadys();
        assertThat(cluster.network).isEmpty();
        cluster.restart(2);
        // Back to what was durable: the bootstrap's term, no vote.
        assertThat(cluster.node(2).term()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(cluster.node(2).votedFor()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_preVoteKeepsAPartitionedNodeFromRaisingItsTerm() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        for (int i = 0; i < 200; i++) {
            cluster.node(3).tick();
            cluster.node(1).tick();
            cluster.node(2).tick();
            cluster.stabilize();
        }
        assertThat(cluster.node(3).term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(3).role()).isEqualTo(Role.PRE_CANDIDATE);

        cluster.heal();
        cluster.tickAll(30);
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(FIRST_TERM);
        assertThat(cluster.node(3).leaderId()).isEqualTo(1);
    }

    @Test
    void section9_6_withoutPreVoteAPartitionedNodeDisruptsTheLeaderWhenItReturns() {
        TestCluster cluster = new TestCluster(3, config -> config.withPreVote(false).withCheckQuorum(false));
        cluster.elect(1);
        cluster.isolate(3);
        cluster.tick(3, 50);
        cluster.stabilize();
        assertThat(cluster.node(3).term()).isGreaterThan(FIRST_TERM);
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MAX);
        assertThat(cluster.node(1).term()).isGreaterThan(FIRST_TERM);
    }

    @Test
    void section9_6_checkQuorumMakesALeaderWithoutAMajorityStepDown() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(1);
        int ticks = 0;
        while (cluster.node(1).role() == Role.LEADER && ticks < 1000) {
            cluster.node(1).tick();
            cluster.stabilize();
            ticks++;
        }
        assertThat(ticks).isEqualTo(RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.node(1).leaderId()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section9_6_checkQuorumKeepsALeaderThatHearsFromAMajority() {
        TestCluster cluster = new TestCluster(5);
        cluster.elect(1);
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.tickAll(100);
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(FIRST_TERM);
    }

    @Test
    void section4_2_3_aFollowerThatHeardFromItsLeaderIgnoresHigherTermVotes() {
        TestCluster cluster = new TestCluster(3, config -> config.withPreVote(false));
        cluster.elect(1);
        RaftNode follower = cluster.node(2);
        follower.step(new RequestVote(9, 3, 2, 100, 9, false, false));
        assertThat(follower.term()).isEqualTo(FIRST_TERM);
        assertThat(follower.hasReady()).isFalse();

        // Once the leader has been silent for an election timeout, the request is heard.
        cluster.tick(2, RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        follower.step(new RequestVote(9, 3, 2, 100, 9, false, false));
        assertThat(follower.term()).isEqualTo(9);
        assertThat(follower.votedFor()).isEqualTo(3);
    }

    @Test
    void aLeaderStepsDownOnAHigherTermInAnyReply() {
        List<Message> replies = List.of(
                AppendEntriesResponse.accepted(7, 2, 1, 1),
                new HeartbeatResponse(7, 2, 1, 0),
                new RequestVoteResponse(7, 2, 1, false, false),
                new RequestVoteResponse(7, 2, 1, false, true),
                new RequestVoteResponse(7, 2, 1, true, false));
        for (Message reply : replies) {
            TestCluster cluster = new TestCluster(3);
            cluster.elect(1);
            cluster.node(1).step(reply);
            assertThat(cluster.node(1).role()).as("after %s", reply).isEqualTo(Role.FOLLOWER);
            assertThat(cluster.node(1).term()).as("after %s", reply).isEqualTo(7);
            assertThat(cluster.node(1).leaderId()).as("a reply names no leader").isEqualTo(RaftNode.NONE);
            assertThat(cluster.node(1).votedFor()).isEqualTo(RaftNode.NONE);
        }
    }

    @Test
    void aStaleLeaderLearnsTheNewTermFromTheAnswerToItsHeartbeat() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(1);
        // Node 1 does not tick, so check-quorum does not catch it: it still believes it leads its term.
        for (int i = 0; i < 100 && cluster.leaderId() == 1; i++) {
            cluster.tick(2, 1);
            cluster.tick(3, 1);
            cluster.stabilize();
        }
        long newLeader = cluster.nodes.values().stream().filter(n -> n.id() != 1 && n.role() == Role.LEADER)
                .findFirst().orElseThrow().id();
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        cluster.heal();
        cluster.delivered.clear();
        cluster.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.stabilize();
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.node(1).term()).isEqualTo(cluster.node(newLeader).term());
        assertThat(cluster.deliveredOf(HeartbeatResponse.class))
                .anyMatch(r -> r.to() == 1 && r.term() == FIRST_TERM + 1);
    }

    @Test
    void aGrantedPreVoteDoesNotRaiseTheVotersTerm() {
        RaftNode voter = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)));
        persist(voter);
        voter.step(new RequestVote(3, 2, 1, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, true, false));
        Ready ready = voter.ready();
        assertThat(ready.messagesAfterPersist()).containsExactly(new RequestVoteResponse(3, 1, 2, true, true));
        assertThat(voter.term()).isEqualTo(BOOTSTRAP_TERM);
        assertThat(voter.votedFor()).isEqualTo(RaftNode.NONE);
        assertThat(ready.hardState()).isNull();
    }

    @Test
    void aSingleVoterElectsItselfAndCommitsOnItsOwnDurableWrite() {
        TestCluster cluster = new TestCluster(1);
        cluster.elect(1);
        long index = cluster.node(1).propose(new byte[] {42});
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isEqualTo(index);
        assertThat(cluster.appliedCommands(1)).hasSize(1);
    }

    @Test
    void messagesForAnotherNodeAreRefused() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(1, List.of(1L, 2L, 3L)));
        assertThatThrownBy(() -> node.step(new Heartbeat(1, 2, 3, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> node.step(new Heartbeat(1, 1, 1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> node.step(new Heartbeat(1, RaftNode.NONE, 1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void section4_2_3_withoutCheckQuorumAFollowerHearsAHigherTermVoteAtOnceEvenFromItsLeadersTerm() {
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, List.of(1L, 2L, 3L)).withCheckQuorum(false)
                .withPreVote(false));
        follower.step(new Heartbeat(FIRST_TERM, 1, 2, 0, 1));
        follower.advance(follower.ready());
        assertThat(follower.leaderId()).isEqualTo(1);
        follower.step(new RequestVote(FIRST_TERM + 1, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        assertThat(follower.term()).isEqualTo(FIRST_TERM + 1);
        assertThat(follower.votedFor()).isEqualTo(3);
        assertThat(follower.ready().messagesAfterPersist())
                .containsExactly(new RequestVoteResponse(FIRST_TERM + 1, 2, 3, false, true));
    }

    @Test
    void section4_2_3_aFollowerThatKnowsNoLeaderHearsAHigherTermVoteAtOnce() {
        RaftNode follower = RaftNode.fresh(RaftConfig.defaults(2, List.of(1L, 2L, 3L)).withPreVote(false));
        follower.step(new RequestVote(FIRST_TERM, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        follower.advance(follower.ready());
        assertThat(follower.votedFor()).isEqualTo(3);
        assertThat(follower.leaderId()).isEqualTo(RaftNode.NONE);
        // It voted a moment ago, so its election timer is fresh; yet no leader asked it to wait.
        follower.step(new RequestVote(FIRST_TERM + 1, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        assertThat(follower.term()).isEqualTo(FIRST_TERM + 1);
        assertThat(follower.votedFor()).isEqualTo(1);
    }
}
