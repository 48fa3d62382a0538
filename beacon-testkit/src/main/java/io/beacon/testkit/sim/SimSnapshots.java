package io.beacon.testkit.sim;

import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotRead;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A simulated node's snapshots in memory: the recent ones it can send chunks of (only the latest two are kept,
 * so a long transfer may find its snapshot gone and start over with the current one), and the one it is
 * receiving from a leader, assembled chunk by chunk.
 */
final class SimSnapshots {
    private static final int KEPT = 2;

    private final TreeMap<Long, byte[]> byIndex = new TreeMap<>();
    private final ChunkAssembly assembly = new ChunkAssembly();

    void keep(long index, byte[] data) {
        byIndex.put(index, data);
        while (byIndex.size() > KEPT) {
            byIndex.pollFirstEntry();
        }
    }

    /** The bytes a read asks for, or null if that snapshot is gone. */
    byte[] read(SnapshotRead read) {
        byte[] data = byIndex.get(read.snapshotIndex());
        if (data == null) {
            return null;
        }
        int from = (int) Math.min(read.offset(), data.length);
        int to = (int) Math.min((long) data.length, read.offset() + read.maxBytes());
        return Arrays.copyOfRange(data, from, to);
    }

    /** Whether the chunk of a read ends its snapshot. */
    boolean endsSnapshot(SnapshotRead read, byte[] chunk) {
        return read.offset() + chunk.length >= byIndex.get(read.snapshotIndex()).length;
    }

    /** Takes a received chunk; returns the whole snapshot once its last chunk arrived, else null. */
    byte[] receive(SnapshotChunk chunk) {
        byte[] whole = assembly.add(chunk);
        if (whole != null) {
            keep(chunk.metadata().index(), whole);
        }
        return whole;
    }

    void clear() {
        byIndex.clear();
        assembly.clear();
    }
}
