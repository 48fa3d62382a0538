package io.beacon.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader's pending linearizable reads (§6.4): those waiting for the first commit of its term, and those
 * waiting for a majority to echo a heartbeat round. Also the leader's lease, in lease mode: the leader tick at
 * which the latest round a majority echoed was sent.
 */
final class ReadIndexQueue {
    record PendingRead(long context, long requester, long readIndex, long round) {
    }

    private static final long NO_LEASE = Long.MIN_VALUE / 2;

    private final ArrayDeque<PendingRead> awaitingCommit = new ArrayDeque<>();
    private final ArrayDeque<PendingRead> awaitingRound = new ArrayDeque<>();
    /** (round, leader tick it was sent at), for rounds not yet echoed by a majority; lease mode only. */
    private final ArrayDeque<long[]> roundTicks = new ArrayDeque<>();
    private long leaseStartTick = NO_LEASE;

    void awaitCommit(long context, long requester) {
        awaitingCommit.add(new PendingRead(context, requester, 0, 0));
    }

    void awaitRound(long context, long requester, long readIndex, long round) {
        awaitingRound.add(new PendingRead(context, requester, readIndex, round));
    }

    List<PendingRead> takeAwaitingCommit() {
        List<PendingRead> result = new ArrayList<>(awaitingCommit);
        awaitingCommit.clear();
        return result;
    }

    void recordRound(long round, long tick) {
        roundTicks.add(new long[] {round, tick});
    }

    long leaseStartTick() {
        return leaseStartTick;
    }

    /** Reads whose round is at most the round a majority echoed; also moves the lease forward. */
    List<PendingRead> takeConfirmed(long quorumRound) {
        while (!roundTicks.isEmpty() && roundTicks.peek()[0] <= quorumRound) {
            leaseStartTick = Math.max(leaseStartTick, roundTicks.poll()[1]);
        }
        List<PendingRead> result = new ArrayList<>();
        while (!awaitingRound.isEmpty() && awaitingRound.peek().round() <= quorumRound) {
            result.add(awaitingRound.poll());
        }
        return result;
    }

    /** Every pending read, for rejection; the lease ends too. */
    List<PendingRead> takeAll() {
        List<PendingRead> result = new ArrayList<>(awaitingCommit);
        result.addAll(awaitingRound);
        awaitingCommit.clear();
        awaitingRound.clear();
        roundTicks.clear();
        leaseStartTick = NO_LEASE;
        return result;
    }
}
