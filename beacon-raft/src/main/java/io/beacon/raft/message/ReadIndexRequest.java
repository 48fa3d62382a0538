package io.beacon.raft.message;

/** A follower asks the leader for a read index on behalf of one of its own readers (§6.4). */
public record ReadIndexRequest(long term, long from, long to, long context) implements Message {
}
