package io.beacon.testkit.sim;

import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;

import java.io.ByteArrayOutputStream;

/**
 * Puts a snapshot received in chunks back together, as a runtime writes it: chunks of one snapshot arrive in
 * order, a chunk at offset 0 starts a snapshot over, and anything else is a bug the simulator reports.
 */
final class ChunkAssembly {
    private SnapshotMetadata receiving;
    private ByteArrayOutputStream received;

    /** Takes a chunk; returns the whole snapshot once its last chunk arrived, else null. */
    byte[] add(SnapshotChunk chunk) {
        if (chunk.offset() == 0 || !chunk.metadata().equals(receiving)) {
            if (chunk.offset() != 0) {
                throw new SimulationFailure("snapshot chunk at offset " + chunk.offset() + " starts no snapshot");
            }
            receiving = chunk.metadata();
            received = new ByteArrayOutputStream();
        }
        if (received.size() != chunk.offset()) {
            throw new SimulationFailure("snapshot chunk at offset " + chunk.offset() + " after " + received.size()
                    + " bytes: the core let a chunk through out of order");
        }
        received.writeBytes(chunk.data());
        if (!chunk.last()) {
            return null;
        }
        byte[] whole = received.toByteArray();
        clear();
        return whole;
    }

    void clear() {
        receiving = null;
        received = null;
    }
}
