package io.beacon.raft.message;

/**
 * The leader's periodic empty AppendEntries: it asserts leadership and carries the commit index, clamped to
 * what the follower is known to hold. Its size never depends on how much data the cluster holds.
 *
 * @param round numbers the leader's heartbeat broadcasts; an echoed round proves the follower still
 *              accepted this leader after the round was sent, which confirms linearizable reads (§6.4)
 */
public record Heartbeat(long term, long from, long to, long commitIndex, long round) implements Message {
}
