package io.beacon.testkit.sim;

/** Kinds of fault the simulator's nemesis injects. */
public enum Fault {
    /** Cut links: one node isolated, majority/minority, one-way, bridge (3 nodes) or majorities ring (5). */
    PARTITION,
    /** Kill a node, losing its memory and a random suffix of its unsynced writes; restart it later. */
    CRASH,
    /** Stop a node for longer than an election timeout, then let it go on as if nothing happened. */
    PAUSE,
    /** Drop and duplicate messages. */
    LOSSY,
    /** Long random delays, so messages arrive far out of order. */
    SLOW,
    /** Let a node's clock tick slower or faster than the others. */
    CLOCK,
    /** Take a snapshot on a node at a random moment (snapshot thresholds are small too). */
    SNAPSHOT,
    /** Change the members: add, remove (the leader too), replace, re-add, wipe and swap in, transfer leadership. */
    MEMBERSHIP;

    /** The faults --faults all means; snapshots and membership changes have flags of their own. */
    public static java.util.Set<Fault> classic() {
        return java.util.EnumSet.of(PARTITION, CRASH, PAUSE, LOSSY, SLOW, CLOCK);
    }
}
