package io.beacon.raft;

/**
 * What a leader knows of one follower's log and how it is replicating to it.
 *
 * <p>In PROBE the leader does not know where the follower's log matches its own: it sends one AppendEntries
 * and waits for the answer (or for the next heartbeat response) before sending another. In REPLICATE the
 * logs are known to match up to matchIndex and the leader streams entries optimistically, with at most
 * {@link Inflights} capacity messages unacknowledged. In SNAPSHOT the follower needs entries the leader has
 * compacted: the leader sends it a snapshot, one chunk at a time, and sends no entries until it is installed.
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    private final long id;
    private final Inflights inflights;
    private State state = State.PROBE;
    private long matchIndex;
    private long nextIndex;
    /** In PROBE: an AppendEntries went out and its answer has not come back yet. */
    private boolean probeSent;
    /** Ticks since this follower last answered anything; drives check-quorum and the status. */
    private int ticksSinceResponse;
    /** In REPLICATE or SNAPSHOT: ticks since the follower last acknowledged what is in flight to it. */
    private int ticksWithoutAcknowledgement;
    /** Highest heartbeat round this follower echoed in the current term. */
    private long acknowledgedRound;
    /** In SNAPSHOT: the snapshot being sent, the bytes the follower acknowledged, and whether a chunk is out. */
    private SnapshotMetadata snapshot;
    private long snapshotOffset;
    private boolean chunkOutstanding;
    /** A learner's current catch-up round: the index it must reach, and the leader tick the round began. */
    private long catchUpTarget = -1;
    private long catchUpStartTick;

    Progress(long id, long nextIndex, int maxInflightMessages) {
        this.id = id;
        this.nextIndex = nextIndex;
        this.inflights = new Inflights(maxInflightMessages);
    }

    long id() {
        return id;
    }

    State state() {
        return state;
    }

    long matchIndex() {
        return matchIndex;
    }

    long nextIndex() {
        return nextIndex;
    }

    int ticksSinceResponse() {
        return ticksSinceResponse;
    }

    long acknowledgedRound() {
        return acknowledgedRound;
    }

    /** Whether no AppendEntries may go to this follower now. */
    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.isFull();
            case SNAPSHOT -> true;
        };
    }

    /** Records that an AppendEntries carrying entries up to lastIndex (none if empty) went out. */
    void onSent(long lastIndex, boolean empty) {
        if (state == State.REPLICATE) {
            if (!empty) {
                if (inflights.count() == 0) {
                    ticksWithoutAcknowledgement = 0;
                }
                nextIndex = lastIndex + 1;
                inflights.add(lastIndex);
            }
        } else {
            probeSent = true;
        }
    }

    /** The follower answered something: it is alive. */
    void onResponse() {
        ticksSinceResponse = 0;
    }

    void onHeartbeatResponse(long round) {
        onResponse();
        probeSent = false;
        acknowledgedRound = Math.max(acknowledgedRound, round);
    }

    void tick() {
        if (ticksSinceResponse < Integer.MAX_VALUE) {
            ticksSinceResponse++;
        }
        if (ticksWithoutAcknowledgement < Integer.MAX_VALUE) {
            ticksWithoutAcknowledgement++;
        }
    }

    /**
     * Whether what is in flight has gone unacknowledged for this many ticks: a message was probably lost, and
     * streaming optimistically would never resend it.
     */
    boolean isStalled(int ticks) {
        boolean outstanding = state == State.REPLICATE ? inflights.count() > 0
                : state == State.SNAPSHOT && chunkOutstanding;
        return outstanding && ticksWithoutAcknowledgement >= ticks;
    }

    /**
     * The follower matches up to index. In PROBE any answer that is not stale ends the probe; in REPLICATE
     * it frees the inflight messages it covers. Returns whether matchIndex advanced.
     */
    boolean onAccepted(long index) {
        ticksWithoutAcknowledgement = 0;
        boolean advanced = index > matchIndex;
        if (advanced) {
            matchIndex = index;
        }
        nextIndex = Math.max(nextIndex, index + 1);
        if (state == State.PROBE) {
            if (index == matchIndex) {
                becomeReplicate();
            }
        } else if (state == State.REPLICATE) {
            inflights.freeUpTo(index);
        }
        return advanced;
    }

    /**
     * The follower rejected the entries after rejectedIndex; it suggests retrying after hintIndex. Returns
     * false if the rejection is stale (it answers a message older than what the leader now sends).
     */
    boolean onRejected(long rejectedIndex, long hintIndex) {
        if (state == State.REPLICATE) {
            if (rejectedIndex <= matchIndex) {
                return false;
            }
            becomeProbe();
            nextIndex = Math.max(matchIndex + 1, Math.min(rejectedIndex, hintIndex + 1));
            return true;
        }
        if (state == State.SNAPSHOT || rejectedIndex != nextIndex - 1) {
            return false;
        }
        if (rejectedIndex <= matchIndex) {
            // The follower no longer holds an entry it acknowledged: its storage lost acknowledged writes (a
            // damaged log recovered by cutting its tail). Forget what it matched and probe down from its hint;
            // kept, the match would have the leader probe this same index for ever.
            matchIndex = 0;
        }
        nextIndex = Math.max(matchIndex + 1, Math.min(rejectedIndex, hintIndex + 1));
        probeSent = false;
        return true;
    }

    void becomeProbe() {
        state = State.PROBE;
        probeSent = false;
        nextIndex = matchIndex + 1;
        inflights.clear();
        snapshot = null;
    }

    private void becomeReplicate() {
        state = State.REPLICATE;
        probeSent = false;
        nextIndex = matchIndex + 1;
        inflights.clear();
    }

    /**
     * Whether a learner has caught up enough to become a voter (§4.2.1): the leader replicates in rounds, each
     * aiming at its last index when the round began, and the learner is caught up once a round takes less than
     * roundTicks (an election timeout), so its promotion will not stall commits for long.
     */
    boolean caughtUp(long leaderLastIndex, long nowTick, int roundTicks) {
        if (state == State.SNAPSHOT) {
            return false;
        }
        if (catchUpTarget < 0 || matchIndex >= catchUpTarget && nowTick - catchUpStartTick >= roundTicks) {
            catchUpTarget = leaderLastIndex;
            catchUpStartTick = nowTick;
            return false;
        }
        return matchIndex >= catchUpTarget;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Sending a snapshot

    /** Starts sending this snapshot from its first byte. */
    void becomeSnapshot(SnapshotMetadata metadata) {
        state = State.SNAPSHOT;
        snapshot = metadata;
        snapshotOffset = 0;
        chunkOutstanding = false;
        probeSent = false;
        inflights.clear();
    }

    SnapshotMetadata snapshot() {
        return snapshot;
    }

    long snapshotOffset() {
        return snapshotOffset;
    }

    /** Whether the next chunk may be asked for: sending a snapshot and nothing outstanding. */
    boolean wantsChunk() {
        return state == State.SNAPSHOT && !chunkOutstanding;
    }

    /** A chunk from snapshotOffset was asked of the runtime, or sent. */
    void onChunkOutstanding() {
        if (!chunkOutstanding) {
            ticksWithoutAcknowledgement = 0;
        }
        chunkOutstanding = true;
    }

    /** The follower holds this many bytes of the snapshot (0: it starts over) and wants the rest. */
    void onChunkAcknowledged(long nextOffset) {
        ticksWithoutAcknowledgement = 0;
        snapshotOffset = nextOffset;
        chunkOutstanding = false;
    }

    /** Gives up on the chunk in flight; the next one goes from the last acknowledged offset. */
    void retryChunk() {
        chunkOutstanding = false;
    }

    /** The follower installed the snapshot (or already held its entries): replicate from the log after it. */
    void onSnapshotInstalled(long index) {
        matchIndex = Math.max(matchIndex, index);
        becomeProbe();
    }
}
