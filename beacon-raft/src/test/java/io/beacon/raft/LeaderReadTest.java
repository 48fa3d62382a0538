package io.beacon.raft;

import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.beacon.raft.Nodes.accept;
import static io.beacon.raft.Nodes.acceptNoop;
import static io.beacon.raft.Nodes.echo;
import static io.beacon.raft.Nodes.only;
import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.sent;
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static org.assertj.core.api.Assertions.assertThat;

/** Linearizable reads on a leader driven by hand: ReadIndex rounds (§6.4) and leases (§6.4.1). */
class LeaderReadTest {

    private static final int LEASE = 8;

    /** The read states the node's next Ready hands out. */
    private static List<ReadState> answered(RaftNode node) {
        return persist(node).readStates();
    }

    /** Ticks the leader once; returns the heartbeat round it sent, or 0. */
    private static long tick(RaftNode node) {
        node.tick();
        List<Heartbeat> heartbeats = only(sent(node), Heartbeat.class);
        return heartbeats.isEmpty() ? 0 : heartbeats.get(0).round();
    }

    /** A leader of three whose no-op committed, with a lease of LEASE ticks. */
    private static RaftNode leaseLeader() {
        RaftNode node = Nodes.leader(3, c -> c.withLeaseTicks(LEASE));
        acceptNoop(node, 3);
        return node;
    }

    @Test
    void section6_4_aReadWaitsForARoundSentAfterItNotForTheEchoOfAnEarlierOne() {
        RaftNode node = Nodes.leader(3);
        acceptNoop(node, 3);
        assertThat(tick(node)).isZero();
        assertThat(tick(node)).isEqualTo(1);
        echo(node, 2, 1);
        node.readIndex(7);
        assertThat(only(sent(node), Heartbeat.class)).extracting(Heartbeat::round).containsOnly(2L);
        // Node 3's echo of round 1 arrives late: it says nothing about leadership after the read was asked.
        echo(node, 3, 1);
        assertThat(answered(node)).isEmpty();
        echo(node, 2, 2);
        assertThat(answered(node)).containsExactly(ReadState.granted(7, FIRST_NOOP));
    }

    @Test
    void section6_4_aReadNeedsTheEchoOfAMajorityNotOfOneFollower() {
        RaftNode node = Nodes.leader(5);
        acceptNoop(node, 5);
        node.readIndex(7);
        assertThat(only(sent(node), Heartbeat.class)).hasSize(4);
        echo(node, 2, 1);
        assertThat(answered(node)).isEmpty();
        echo(node, 3, 1);
        assertThat(answered(node)).containsExactly(ReadState.granted(7, FIRST_NOOP));
    }

    @Test
    void section6_4_1_aNewLeaderHasNoLeaseUntilARoundIsEchoed() {
        RaftNode node = leaseLeader();
        node.readIndex(1);
        assertThat(answered(node)).isEmpty();
        echo(node, 2, 1);
        assertThat(answered(node)).containsExactly(ReadState.granted(1, FIRST_NOOP));
    }

    @Test
    void section6_4_1_theLeaseLastsLeaseTicksFromWhenTheEchoedRoundWasSent() {
        RaftNode node = leaseLeader();
        tick(node);
        assertThat(tick(node)).as("round 1 leaves at leader tick 2").isEqualTo(1);
        echo(node, 2, 1);
        node.readIndex(1);
        assertThat(answered(node)).containsExactly(ReadState.granted(1, FIRST_NOOP));
        // Nobody echoes the later rounds.
        for (int leaderTick = 3; leaderTick < 2 + LEASE; leaderTick++) {
            tick(node);
        }
        node.readIndex(2);
        assertThat(answered(node)).as("last tick of the lease").containsExactly(ReadState.granted(2, FIRST_NOOP));
        tick(node);
        node.readIndex(3);
        assertThat(answered(node)).as("the lease ran out").isEmpty();
        assertThat(node.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void section6_4_1_aRoundSentButNotYetEchoedDoesNotExtendTheLease() {
        RaftNode node = leaseLeader();
        tick(node);
        assertThat(tick(node)).isEqualTo(1);
        echo(node, 2, 1);
        tick(node);
        assertThat(tick(node)).as("round 2 leaves at leader tick 4").isEqualTo(2);
        // A late echo of round 1 confirms nothing about round 2.
        echo(node, 3, 1);
        for (int leaderTick = 5; leaderTick <= 2 + LEASE; leaderTick++) {
            tick(node);
        }
        node.readIndex(1);
        assertThat(answered(node)).isEmpty();
    }

    @Test
    void section6_4_1_noLeaseReadRightAfterALeadershipTransferStarts() {
        RaftNode node = leaseLeader();
        tick(node);
        tick(node);
        echo(node, 2, 1);
        node.readIndex(1);
        assertThat(answered(node)).containsExactly(ReadState.granted(1, FIRST_NOOP));
        node.transferLeadership(2);
        assertThat(only(sent(node), TimeoutNow.class)).hasSize(1);
        node.readIndex(2);
        assertThat(answered(node)).isEmpty();
    }

    @Test
    void section6_4_1_aLeaseFromAnEarlierTermDoesNotCarryOver() {
        RaftNode node = leaseLeader();
        // Its first term: rounds sent at leader ticks 2, 4, 6 and 8, none echoed.
        for (int i = 0; i < 8; i++) {
            tick(node);
        }
        node.step(AppendEntriesResponse.accepted(node.term() + 1, 2, 1, 0));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        persist(node);
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        persist(node);
        node.step(new RequestVoteResponse(node.term(), 2, 1, false, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        persist(node);
        long noop = node.lastIndex();
        assertThat(noop).isEqualTo(FIRST_NOOP + 1);
        accept(node, 2, noop);
        accept(node, 3, noop);
        assertThat(node.commitIndex()).isEqualTo(noop);
        persist(node);
        tick(node);
        long round = tick(node);
        assertThat(round).as("the first round of the new term, at its leader tick 2").isPositive();
        echo(node, 2, round);
        for (int leaderTick = 3; leaderTick <= 2 + LEASE; leaderTick++) {
            tick(node);
        }
        node.readIndex(1);
        assertThat(answered(node)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads pending when leadership changes

    @Test
    void section6_4_aReadAnsweredOnTheNoopsCommitIsNotRejectedLater() {
        RaftNode node = Nodes.leader(3);
        node.readIndex(5);
        assertThat(answered(node)).isEmpty();
        accept(node, 2, FIRST_NOOP);
        List<ReadState> states = new ArrayList<>(answered(node));
        // The commit of the no-op lets the read ask for a round; the echo answers it.
        echo(node, 2, 1);
        states.addAll(answered(node));
        node.step(new io.beacon.raft.message.HeartbeatResponse(3, 3, 1, 0));
        states.addAll(answered(node));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(states).containsExactly(ReadState.granted(5, FIRST_NOOP));
    }

    @Test
    void section6_4_readsPendingWhenLeadershipIsLostAreRejectedExactlyOnce() {
        RaftNode node = Nodes.leader(3);
        node.readIndex(5);
        accept(node, 2, FIRST_NOOP);
        persist(node);
        node.readIndex(6);
        List<ReadState> states = new ArrayList<>(answered(node));
        // Both reads wait for heartbeat round 1, which nobody echoes.
        node.step(new io.beacon.raft.message.HeartbeatResponse(3, 3, 1, 0));
        states.addAll(answered(node));
        node.step(new io.beacon.raft.message.HeartbeatResponse(4, 3, 1, 0));
        states.addAll(answered(node));
        assertThat(states).containsExactly(ReadState.rejected(5), ReadState.rejected(6));
    }

    @Test
    void section6_4_readsAwaitingTheNoopAreRejectedExactlyOnceWhenLeadershipIsLost() {
        RaftNode node = Nodes.leader(3);
        node.readIndex(5);
        List<ReadState> states = new ArrayList<>(answered(node));
        node.step(new io.beacon.raft.message.HeartbeatResponse(3, 3, 1, 0));
        states.addAll(answered(node));
        node.step(new io.beacon.raft.message.HeartbeatResponse(4, 3, 1, 0));
        states.addAll(answered(node));
        assertThat(states).containsExactly(ReadState.rejected(5));
    }
}
