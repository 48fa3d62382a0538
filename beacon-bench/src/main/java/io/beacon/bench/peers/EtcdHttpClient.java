package io.beacon.bench.peers;

import io.netty.handler.codec.http.HttpMethod;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link KvClient} of one etcd member through its HTTP/JSON gateway (the grpc-gateway etcd serves on its client
 * port), over one keep-alive HTTP/1.1 connection of its own. A put is {@code POST /v3/kv/put} and a get
 * {@code POST /v3/kv/range} with default options, which etcd serves linearizably; keys and values travel in
 * base64, as the gateway's JSON has it.
 *
 * <p>A 200 answer is success and any other status (etcd 3.4's gateway sends its errors, 503 "etcdserver: request
 * timed out", 429 "too many requests", ..., chunked) a refusal. An I/O error or a timeout fails the request.
 */
final class EtcdHttpClient implements KvClient {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final HttpKvConnection connection;

    /** A client of the member whose client port is port on 127.0.0.1; dials at the first request. */
    EtcdHttpClient(int port, int timeoutMillis) {
        this.connection = new HttpKvConnection("127.0.0.1", port, timeoutMillis);
    }

    @Override
    public CompletableFuture<Boolean> putAsync(String key, byte[] value) {
        return post("/v3/kv/put", "{\"key\":\"" + base64(key) + "\",\"value\":\"" + BASE64.encodeToString(value)
                + "\"}");
    }

    @Override
    public CompletableFuture<Boolean> getAsync(String key) {
        return post("/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
    }

    private CompletableFuture<Boolean> post(String path, String json) {
        return connection.exchange(HttpMethod.POST, path, json.getBytes(StandardCharsets.UTF_8), "application/json")
                .thenApply(answer -> answer.status() == 200);
    }

    private static String base64(String key) {
        return BASE64.encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        connection.close();
    }
}
