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
    CLOCK
}
