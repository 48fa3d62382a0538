package io.beacon.raft;

/** A proposal, read or leadership transfer this node cannot take; nothing was changed. */
public final class ProposalRejectedException extends RuntimeException {
    /** Why the request was refused. */
    public enum Reason {
        /** This node is not the leader; {@link #leaderHint()} names the leader it knows, or {@link RaftNode#NONE}. */
        NOT_LEADER,
        /** The leader is handing leadership over and takes no proposals until the transfer ends. */
        LEADERSHIP_TRANSFER_IN_PROGRESS
    }

    private final Reason reason;
    private final long leaderHint;

    public ProposalRejectedException(Reason reason, long leaderHint) {
        super(reason == Reason.NOT_LEADER ? "not the leader (leader hint: " + leaderHint + ")"
                : "leadership transfer in progress");
        this.reason = reason;
        this.leaderHint = leaderHint;
    }

    public Reason reason() {
        return reason;
    }

    public long leaderHint() {
        return leaderHint;
    }
}
