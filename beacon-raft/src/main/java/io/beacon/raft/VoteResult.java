package io.beacon.raft;

/** Where an election stands after counting the answers received so far. */
public enum VoteResult {
    WON,
    LOST,
    PENDING
}
