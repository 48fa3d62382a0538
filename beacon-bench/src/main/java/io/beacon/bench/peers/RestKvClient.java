package io.beacon.bench.peers;

import io.netty.handler.codec.http.HttpMethod;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link KvClient} of a node whose HTTP API keeps each key at a path of its own under a prefix, as Beacon's
 * ({@code /beacon/v1/kv/}) and the SOFAJRaft peer's ({@code /kv/}) do: {@code PUT} with the value as the body
 * writes it, {@code GET} reads it linearizably. One keep-alive connection, one request at a time. A write is
 * acknowledged by 200; a read is answered by 200 or 404 (absent). Any other status (503: not the leader, no
 * quorum, read index failed) is a refusal; an I/O error or timeout fails the request.
 */
final class RestKvClient implements KvClient {
    private static final byte[] NO_BODY = new byte[0];

    private final HttpKvConnection connection;
    private final String prefix;

    RestKvClient(String host, int httpPort, String prefix, int timeoutMillis) {
        this.connection = new HttpKvConnection(host, httpPort, timeoutMillis);
        this.prefix = prefix;
    }

    /** The path of key under prefix. */
    static String path(String prefix, String key) {
        return prefix + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<Boolean> putAsync(String key, byte[] value) {
        return connection.exchange(HttpMethod.PUT, path(prefix, key), value, null)
                .thenApply(answer -> answer.status() == 200);
    }

    @Override
    public CompletableFuture<Boolean> getAsync(String key) {
        return connection.exchange(HttpMethod.GET, path(prefix, key), NO_BODY, null)
                .thenApply(answer -> answer.status() == 200 || answer.status() == 404);
    }

    @Override
    public void close() {
        connection.close();
    }
}
