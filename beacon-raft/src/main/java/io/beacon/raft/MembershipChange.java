package io.beacon.raft;

/**
 * An operator's request to change the cluster's members, one at a time (§4). A voter joins as a learner first
 * and is promoted by a joint configuration once it has caught up; a removal or a replacement of a voter goes
 * through a joint configuration too, so every decision in between needs majorities of both the old and the new
 * voters.
 */
public sealed interface MembershipChange {
    /** The member the change is about. */
    long id();

    /** Adds a non-voting member that receives the log and snapshots. */
    record AddLearner(long id) implements MembershipChange {
    }

    /** Adds a voter: as a learner first, promoted once caught up. A learner already present is promoted. */
    record AddVoter(long id) implements MembershipChange {
    }

    /** Removes a voter (the leader included) or a learner. */
    record RemoveMember(long id) implements MembershipChange {
    }

    /** Adds {@code id} as a learner and, once it has caught up, swaps it for the voter {@code replaced}. */
    record ReplaceVoter(long replaced, long id) implements MembershipChange {
    }
}
