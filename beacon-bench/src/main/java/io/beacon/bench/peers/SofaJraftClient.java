package io.beacon.bench.peers;

import io.beacon.testkit.http.KeepAliveConnection;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@link KvClient} of one SOFAJRaft peer node: one keep-alive HTTP connection, one request at a time. A write is
 * acknowledged by 200; a read is answered by 200 or 404 (absent). Any other status (503: not the leader, no
 * quorum, read index failed) is a refusal; an I/O error or timeout propagates.
 */
final class SofaJraftClient implements KvClient {
    private final KeepAliveConnection connection;

    SofaJraftClient(String host, int httpPort, int timeoutMillis) {
        this.connection = new KeepAliveConnection(host, httpPort, timeoutMillis);
    }

    /** The path of key in the node's HTTP API. */
    static String path(String key) {
        return "/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Override
    public boolean put(String key, byte[] value) throws IOException {
        return connection.exchange("PUT", path(key), value).status() == 200;
    }

    @Override
    public boolean get(String key) throws IOException {
        int status = connection.call("GET", path(key));
        return status == 200 || status == 404;
    }

    @Override
    public void close() {
        connection.close();
    }
}
