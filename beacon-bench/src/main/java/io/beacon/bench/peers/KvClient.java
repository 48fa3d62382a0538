package io.beacon.bench.peers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Writes and linearizable reads of one node of a {@link KvCluster}, one at a time, never retried. Each completes
 * with whether the node gave a successful answer: a refusal (no leader, not the leader) is false, and a timeout or
 * a broken connection completes exceptionally, as the outcome of such a write is unknown. Every request completes
 * within the timeout the client was made with. The answers may complete on a thread of the client's own, which
 * must not be blocked.
 */
public interface KvClient extends AutoCloseable {
    /** Writes value under key; true once the system acknowledged it (committed, on a majority's disks). */
    CompletableFuture<Boolean> putAsync(String key, byte[] value);

    /** Reads key linearizably (an absent key is a successful answer too); true if the read was answered. */
    CompletableFuture<Boolean> getAsync(String key);

    /** {@link #putAsync}, waited for: a failure is thrown as the exception it completed with. */
    default boolean put(String key, byte[] value) throws Exception {
        return await(putAsync(key, value));
    }

    /** {@link #getAsync}, waited for. */
    default boolean get(String key) throws Exception {
        return await(getAsync(key));
    }

    private static boolean await(CompletableFuture<Boolean> answer) throws Exception {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    void close();
}
