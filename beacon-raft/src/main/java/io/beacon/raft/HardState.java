package io.beacon.raft;

/**
 * What a node must persist before it sends any message that depends on it (§3.8): its current term and the
 * candidate it voted for in that term ({@link RaftNode#NONE} if none). The commit index is not part of it:
 * a restarted node learns it again from the leader, so a commit never costs a write of its own.
 */
public record HardState(long term, long votedFor) {
    public static final HardState INITIAL = new HardState(0, RaftNode.NONE);

    public HardState {
        if (term < 0 || votedFor < 0) {
            throw new IllegalArgumentException("hard state must not be negative: term " + term + " vote " + votedFor);
        }
    }
}
