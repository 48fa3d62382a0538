package io.beacon.raft;

/**
 * The leader asks its runtime for a chunk of one of its snapshots, to send to a follower: at most maxBytes from
 * offset. The runtime answers with {@link RaftNode#snapshotChunk(SnapshotRead, byte[], boolean)}.
 */
public record SnapshotRead(long to, long snapshotIndex, long offset, int maxBytes) {
}
