package io.beacon.bench.peers;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link KvClient} of one etcd member through etcd's own Java client (jetcd), whose {@link Client} (one gRPC
 * channel) it shares with every other client of that member. A put is {@code kv.put(key, value)} and a get
 * {@code kv.get(key)} with default options, which etcd serves linearizably. The shared client is asked for anew at
 * each request, because the cluster replaces it when the member restarts.
 *
 * <p>A request that fails with one of the errors etcd gives before a request takes effect ({@link #REFUSALS}) is a
 * refusal and returns false. Any other failure throws: a timeout (TimeoutException), a member that cannot be
 * reached (UNAVAILABLE from gRPC itself), and etcd's own "request timed out", after which a write may still commit.
 */
final class EtcdGrpcClient implements KvClient {
    /**
     * The descriptions of the gRPC errors with which etcd 3.4 turns a request away unperformed: no leader known (only
     * sent to clients that require one), not the leader, a leader change during a linearizable read, and too many
     * proposals not yet applied.
     */
    static final Set<String> REFUSALS = Set.of("etcdserver: no leader", "etcdserver: not leader",
            "etcdserver: leader changed", "etcdserver: too many requests");

    private final Supplier<Client> client;
    private final int timeoutMillis;

    /** A client of the member whose shared jetcd client supplier gives; each request waits up to timeoutMillis. */
    EtcdGrpcClient(Supplier<Client> client, int timeoutMillis) {
        this.client = client;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public CompletableFuture<Boolean> putAsync(String key, byte[] value) {
        return answer(client.get().getKVClient().put(bytes(key), ByteSequence.from(value)));
    }

    @Override
    public CompletableFuture<Boolean> getAsync(String key) {
        return answer(client.get().getKVClient().get(bytes(key)));
    }

    /**
     * True once the answer comes, false if etcd refused the request; fails on a timeout (and gives up on the
     * request) or on any other failure.
     */
    private CompletableFuture<Boolean> answer(CompletableFuture<?> request) {
        return answer(request, timeoutMillis);
    }

    static CompletableFuture<Boolean> answer(CompletableFuture<?> request, int timeoutMillis) {
        return request.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((answered, error) -> {
            if (error == null) {
                return true;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            // A failure that is not gRPC's own (a timeout) has no description; Set.of refuses to look up null.
            String description = Status.fromThrowable(cause).getDescription();
            if (description != null && REFUSALS.contains(description)) {
                return false;
            }
            throw cause instanceof CompletionException failed ? failed : new CompletionException(cause);
        });
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        // The jetcd client is the cluster's, shared with the member's other clients.
    }
}
