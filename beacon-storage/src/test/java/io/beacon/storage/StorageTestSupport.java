package io.beacon.storage;

import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/** Entries, snapshots and waits shared by the storage tests. */
final class StorageTestSupport {
    static final Configuration THREE_VOTERS = Configuration.of(List.of(1L, 2L, 3L));

    private static final Map<RaftStorage, PersistentState> RECOVERED = new WeakHashMap<>();

    private StorageTestSupport() {
    }

    /** The state a storage recovered, which tests look at more than once (the storage hands it over once). */
    static synchronized PersistentState recovered(RaftStorage storage) {
        return RECOVERED.computeIfAbsent(storage, RaftStorage::recoveredState);
    }

    static Entry entry(long index, long term) {
        return Entry.command(index, term, ("entry " + index + " of term " + term).getBytes(StandardCharsets.UTF_8));
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(entry(index, term));
        }
        return entries;
    }

    static long append(RaftStorage storage, List<Entry> entries) throws Exception {
        return storage.write(null, List.of(), entries).get(10, TimeUnit.SECONDS);
    }

    static long setHardState(RaftStorage storage, long term, long vote) throws Exception {
        return storage.write(new HardState(term, vote), List.of(), List.of()).get(10, TimeUnit.SECONDS);
    }

    static SnapshotMetadata snapshot(long index, long term) {
        return new SnapshotMetadata(index, term, THREE_VOTERS);
    }

    /** Writes a snapshot of this node's own, with the given state. */
    static void takeSnapshot(RaftStorage storage, SnapshotMetadata metadata, byte[] state) throws Exception {
        RaftStorage.SnapshotWriter writer = storage.beginSnapshot(metadata);
        writer.stream().write(state);
        writer.commit();
    }

    /** Receives a snapshot from a leader in chunks of chunkBytes, as the core hands them over. */
    static long receiveSnapshot(RaftStorage storage, SnapshotMetadata metadata, byte[] state, int chunkBytes)
            throws Exception {
        List<SnapshotChunk> chunks = new ArrayList<>();
        for (int offset = 0; offset == 0 || offset < state.length; offset += chunkBytes) {
            int end = Math.min(state.length, offset + chunkBytes);
            chunks.add(new SnapshotChunk(metadata, offset, java.util.Arrays.copyOfRange(state, offset, end),
                    end == state.length));
        }
        return storage.write(null, chunks, List.of()).get(10, TimeUnit.SECONDS);
    }
}
