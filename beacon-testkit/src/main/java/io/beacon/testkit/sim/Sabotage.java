package io.beacon.testkit.sim;

/**
 * Deliberate runtime bugs, for the simulator's own tests: each must make some seed fail, which shows the
 * checks can catch what they claim to. Never used outside tests.
 */
enum Sabotage {
    NONE,
    /** Send acknowledgements and votes before the writes they depend on are durable. */
    ACKNOWLEDGE_BEFORE_PERSIST,
    /** A disk whose fsync lies: a crash also loses the last few entries it reported durable. */
    FORGETFUL_DISK,
    /** Snapshots that lose one key: the state in a snapshot differs from the committed state at its index. */
    CORRUPT_SNAPSHOT,
    /** Reads served at once from the local state of whichever node a client asked, without the read path. */
    STALE_READS,
    /** A registry leader that keeps its old leases when it starts leading instead of renewing them all. */
    NO_LEASE_RENEWAL
}
