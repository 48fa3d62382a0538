package io.beacon.raft.message;

/**
 * The leader's answer to a {@link ReadIndexRequest}: once the follower has applied readIndex it may serve
 * the read. When {@code granted} is false the leader lost its leadership before it could confirm the read.
 */
public record ReadIndexResponse(long term, long from, long to, long context, long readIndex, boolean granted)
        implements Message {
}
