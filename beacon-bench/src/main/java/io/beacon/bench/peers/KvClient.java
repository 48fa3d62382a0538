package io.beacon.bench.peers;

/**
 * Writes and linearizable reads of one node of a {@link KvCluster}, never retried. Both return whether the node
 * gave a successful answer; a refusal (no leader, not the leader) returns false, and a timeout or a broken
 * connection throws, as the outcome of such a write is unknown.
 */
public interface KvClient extends AutoCloseable {
    /** Writes value under key; true once the system acknowledged it (committed, on a majority's disks). */
    boolean put(String key, byte[] value) throws Exception;

    /** Reads key linearizably (an absent key is a successful answer too); true if the read was answered. */
    boolean get(String key) throws Exception;

    @Override
    void close();
}
