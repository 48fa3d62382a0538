package io.beacon.raft;

/**
 * What a leader knows of one follower's log and how it is replicating to it.
 *
 * <p>In PROBE the leader does not know where the follower's log matches its own: it sends one AppendEntries
 * and waits for the answer (or for the next heartbeat response) before sending another. In REPLICATE the
 * logs are known to match up to matchIndex and the leader streams entries optimistically, with at most
 * {@link Inflights} capacity messages unacknowledged.
 */
final class Progress {
    enum State { PROBE, REPLICATE }

    private final long id;
    private final Inflights inflights;
    private State state = State.PROBE;
    private long matchIndex;
    private long nextIndex;
    /** In PROBE: an AppendEntries went out and its answer has not come back yet. */
    private boolean probeSent;
    /** Ticks since this follower last answered anything; drives check-quorum and the status. */
    private int ticksSinceResponse;
    /** In REPLICATE: ticks since the follower last acknowledged entries while some were in flight. */
    private int ticksWithoutAcknowledgement;
    /** Highest heartbeat round this follower echoed in the current term. */
    private long acknowledgedRound;

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

    boolean isPaused() {
        return state == State.PROBE ? probeSent : inflights.isFull();
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
     * Whether entries have been in flight for this many ticks without any acknowledgement: a message was
     * probably lost, and streaming optimistically would never resend it.
     */
    boolean isStalled(int ticks) {
        return state == State.REPLICATE && inflights.count() > 0 && ticksWithoutAcknowledgement >= ticks;
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
        } else {
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
        if (rejectedIndex != nextIndex - 1) {
            return false;
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
    }

    private void becomeReplicate() {
        state = State.REPLICATE;
        probeSent = false;
        nextIndex = matchIndex + 1;
        inflights.clear();
    }
}
