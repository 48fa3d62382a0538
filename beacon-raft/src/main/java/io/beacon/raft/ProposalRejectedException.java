package io.beacon.raft;

/** A proposal, leadership transfer or membership change this node cannot take now; nothing was changed. */
public final class ProposalRejectedException extends RuntimeException {
    /** Why the request was refused. */
    public enum Reason {
        /** This node is not the leader; {@link #leaderHint()} names the leader it knows, or {@link RaftNode#NONE}. */
        NOT_LEADER,
        /** The leader is handing leadership over and takes no proposals until the transfer ends. */
        LEADERSHIP_TRANSFER_IN_PROGRESS,
        /** A new leader changes membership only once an entry of its own term is committed; retry shortly. */
        NO_COMMIT_IN_TERM,
        /** Another membership change is not finished yet; one at a time. */
        MEMBERSHIP_CHANGE_IN_PROGRESS
    }

    private final Reason reason;
    private final long leaderHint;

    public ProposalRejectedException(Reason reason, long leaderHint) {
        super(switch (reason) {
            case NOT_LEADER -> "not the leader (leader hint: " + leaderHint + ")";
            case LEADERSHIP_TRANSFER_IN_PROGRESS -> "leadership transfer in progress";
            case NO_COMMIT_IN_TERM -> "the new leader has not committed an entry of its term yet";
            case MEMBERSHIP_CHANGE_IN_PROGRESS -> "another membership change is in progress";
        });
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
