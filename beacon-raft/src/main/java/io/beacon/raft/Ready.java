package io.beacon.raft;

import io.beacon.raft.message.Message;

import java.util.List;

/**
 * Everything a {@link RaftNode} asks of its runtime since the previous Ready. The runtime must, in order:
 * <ol>
 *   <li>send {@link #messages()} whenever it likes — they depend on nothing unpersisted (a leader's
 *       AppendEntries among them, so replication runs in parallel with the leader's own write, §10.2.1);</li>
 *   <li>persist {@link #hardState()} (if not null), then {@link #snapshotChunks()} (a follower receiving a
 *       snapshot: when the last chunk arrives the received snapshot becomes the current one and the persisted log
 *       is cut at its index), then {@link #entries()}, which replace any persisted entries from the first one's
 *       index on; Readys are persisted in the order they were produced;</li>
 *   <li>only once that is durable, send {@link #messagesAfterPersist()} (acknowledgements and votes) and call
 *       {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 * {@link #committedEntries()} are durable on a majority and may be applied at once — after restoring the state
 * machine from {@link #installedSnapshot()} if this Ready completes one. {@link #snapshotReads()} ask for chunks of
 * the leader's snapshots, answered with {@link RaftNode#snapshotChunk}; {@link #snapshotDue()} asks for a new
 * snapshot, reported with {@link RaftNode#snapshotTaken}. Several Readys may be outstanding at a time; they must
 * be advanced in the order they were produced.
 */
public record Ready(long sequence, HardState hardState, List<SnapshotChunk> snapshotChunks, List<Entry> entries,
                    List<Message> messages, List<Message> messagesAfterPersist, List<Entry> committedEntries,
                    List<ReadState> readStates, List<SnapshotRead> snapshotReads, boolean snapshotDue) {

    /** Whether anything must be written before {@link #messagesAfterPersist()} may leave. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || !snapshotChunks.isEmpty();
    }

    /** The snapshot this Ready finishes receiving, or null. */
    public SnapshotMetadata installedSnapshot() {
        for (SnapshotChunk chunk : snapshotChunks) {
            if (chunk.last()) {
                return chunk.metadata();
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return !mustPersist() && messages.isEmpty() && messagesAfterPersist.isEmpty() && committedEntries.isEmpty()
                && readStates.isEmpty() && snapshotReads.isEmpty() && !snapshotDue;
    }
}
