package io.beacon.raft;

/** The role a node plays in its current term. */
public enum Role {
    FOLLOWER,
    /** Asking for pre-votes without raising its term (§9.6). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
