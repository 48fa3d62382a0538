package io.beacon.raft;

import java.util.List;

/**
 * A point-in-time view of one node for operators and tests.
 *
 * @param firstIndex    the first entry still held; the snapshot covers those before it
 * @param snapshotIndex the index the latest snapshot covers (0 if none)
 * @param followers     on a leader, one entry per other member; empty otherwise
 */
public record RaftStatus(long id, Role role, long term, long leaderId, long votedFor, long firstIndex, long lastIndex,
                         long stableIndex, long commitIndex, long appliedIndex, long snapshotIndex,
                         Configuration configuration, long leadTransferee, List<FollowerStatus> followers) {

    /** The leader's view of one follower or learner. */
    public record FollowerStatus(long id, String replicationState, long matchIndex, long nextIndex,
                                 int ticksSinceLastResponse) {
    }
}
