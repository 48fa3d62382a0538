package io.beacon.node;

/** A request only the leader can serve reached a member that is not the leader. */
public final class NotLeaderException extends RuntimeException {
    private final long leaderHint;

    public NotLeaderException(long leaderHint) {
        super(leaderHint == 0 ? "no leader is known" : "not the leader; the leader is member " + leaderHint);
        this.leaderHint = leaderHint;
    }

    /** The leader this member knows of, or 0. */
    public long leaderHint() {
        return leaderHint;
    }
}
