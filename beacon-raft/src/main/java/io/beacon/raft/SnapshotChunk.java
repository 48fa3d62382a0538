package io.beacon.raft;

/**
 * A chunk of a snapshot this follower is receiving, for the runtime to write: bytes at offset of the snapshot
 * with this metadata. The runtime writes chunks of one snapshot in order; a chunk at offset 0 starts a new one.
 * When {@code last} is set, the runtime makes the received snapshot its current one, restores the state machine
 * from it, and only then treats the Ready as persisted.
 */
public record SnapshotChunk(SnapshotMetadata metadata, long offset, byte[] data, boolean last) {
}
