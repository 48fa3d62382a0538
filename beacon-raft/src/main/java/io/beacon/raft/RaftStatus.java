package io.beacon.raft;

import java.util.List;

/**
 * A point-in-time view of one node for operators and tests.
 *
 * @param followers on a leader, one entry per other voter; empty otherwise
 */
public record RaftStatus(long id, Role role, long term, long leaderId, long votedFor, long lastIndex,
                         long stableIndex, long commitIndex, long appliedIndex, long leadTransferee,
                         List<FollowerStatus> followers) {

    /** The leader's view of one follower. */
    public record FollowerStatus(long id, String replicationState, long matchIndex, long nextIndex,
                                 int ticksSinceLastResponse) {
    }
}
