package io.beacon.bench.peers;

import io.beacon.testkit.http.KeepAliveConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A {@link KvClient} of one etcd member through its HTTP/JSON gateway (the grpc-gateway etcd serves on its client
 * port), over one keep-alive HTTP/1.1 connection of its own. A put is {@code POST /v3/kv/put} and a get
 * {@code POST /v3/kv/range} with default options, which etcd serves linearizably; keys and values travel in
 * base64, as the gateway's JSON has it.
 *
 * <p>A 200 answer is success and any other status a refusal. An I/O error or a read timeout propagates. Note that
 * etcd 3.4's gateway sends its error answers (503 "etcdserver: request timed out", 429 "too many requests", ...)
 * chunked, with a gRPC trailer, and {@link KeepAliveConnection} does not read chunked answers: such an answer
 * therefore also ends in an IOException, counted as an unknown outcome rather than as a refusal.
 */
final class EtcdHttpClient implements KvClient {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final KeepAliveConnection connection;

    /** A client of the member whose client port is port on 127.0.0.1; dials at the first request. */
    EtcdHttpClient(int port, int timeoutMillis) {
        this.connection = new KeepAliveConnection("127.0.0.1", port, timeoutMillis);
    }

    @Override
    public boolean put(String key, byte[] value) throws IOException {
        return post("/v3/kv/put", "{\"key\":\"" + base64(key) + "\",\"value\":\"" + BASE64.encodeToString(value)
                + "\"}");
    }

    @Override
    public boolean get(String key) throws IOException {
        return post("/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
    }

    private boolean post(String path, String json) throws IOException {
        return connection.exchange("POST", path, json.getBytes(StandardCharsets.UTF_8)).status() == 200;
    }

    private static String base64(String key) {
        return BASE64.encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        connection.close();
    }
}
