package io.beacon.raft;

import io.beacon.raft.message.Message;

import java.util.List;

/**
 * Everything a {@link RaftNode} asks of its runtime since the previous Ready. The runtime must, in order:
 * <ol>
 *   <li>send {@link #messages()} whenever it likes — they depend on nothing unpersisted (a leader's
 *       AppendEntries among them, so replication runs in parallel with the leader's own write, §10.2.1);</li>
 *   <li>persist {@link #hardState()} (if not null) and {@link #entries()}: the entries replace any persisted
 *       entries from the first one's index on; Readys are persisted in the order they were produced;</li>
 *   <li>only once that is durable, send {@link #messagesAfterPersist()} (acknowledgements and votes) and call
 *       {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 * {@link #committedEntries()} may be applied at once: they are durable on a majority. Several Readys may be
 * outstanding at a time; they must be advanced in the order they were produced.
 */
public record Ready(long sequence, HardState hardState, List<Entry> entries, List<Message> messages,
                    List<Message> messagesAfterPersist, List<Entry> committedEntries, List<ReadState> readStates) {

    /** Whether anything must be written before {@link #messagesAfterPersist()} may leave. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty();
    }

    public boolean isEmpty() {
        return !mustPersist() && messages.isEmpty() && messagesAfterPersist.isEmpty() && committedEntries.isEmpty()
                && readStates.isEmpty();
    }
}
