package io.beacon.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The contract between a runtime and the application it replicates. The core never calls it: the runtime
 * applies {@link Ready#committedEntries()} here, takes a snapshot when {@link Ready#snapshotDue()} asks for one
 * (freezes the state, writes it, then reports it with {@link RaftNode#snapshotTaken(long)}), and restores from a
 * snapshot a follower received.
 * Snapshots stream: a state of gigabytes is never held as one array.
 */
public interface StateMachine {
    /**
     * Applies one committed entry, in log order, and returns the application's answer to whoever proposed it
     * (null if none; entries that are not commands change nothing but the applied index). Must be deterministic:
     * every replica reaches the same state.
     */
    Object apply(Entry entry);

    /** The index of the last entry applied (or the snapshot restored). */
    long appliedIndex();

    /**
     * Captures the whole state as of {@link #appliedIndex()} for a snapshot that is written afterwards, from
     * another thread, while entries go on being applied. Runs on the apply thread, which waits for it: it should
     * cost a small part of writing the state (share what never changes, copy only what apply changes in place).
     */
    FrozenState freeze();

    /** Writes the whole state as of {@link #appliedIndex()}, on the calling thread. */
    default void writeSnapshot(OutputStream out) throws IOException {
        freeze().writeTo(out);
    }

    /** Replaces the whole state with a snapshot's, which covers the log up to index. */
    void restoreSnapshot(InputStream in, long index) throws IOException;

    /** A state captured by {@link #freeze()}: unaffected by entries applied since, safe to write from any thread. */
    @FunctionalInterface
    interface FrozenState {
        /** Writes the captured state in the state machine's snapshot format; may be called once. */
        void writeTo(OutputStream out) throws IOException;
    }
}
