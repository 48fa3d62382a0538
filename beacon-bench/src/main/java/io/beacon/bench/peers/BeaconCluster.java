package io.beacon.bench.peers;

import io.beacon.bench.cluster.ServerLauncher;
import io.beacon.testkit.http.KeepAliveConnection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Three Beacon servers as separate JVMs ({@link ServerLauncher}: 256 MB heaps, fsync on), driven through the
 * key-value API {@code /beacon/v1/kv} over keep-alive HTTP/1.1 connections, one per client.
 */
public final class BeaconCluster implements KvCluster {
    private static final String KV = "/beacon/v1/kv/";

    private final ServerLauncher servers;

    public BeaconCluster(Path data, ServerJvm jvm) throws Exception {
        this.servers = new ServerLauncher(data, 3).withHeap(jvm.heap());
        if (!jvm.parallel()) {
            servers.withDefaultCollector();
        }
    }

    @Override
    public String name() {
        return "beacon";
    }

    @Override
    public void start() throws Exception {
        servers.startAll();
        Clusters.awaitWrite(this);
    }

    @Override
    public int size() {
        return servers.size();
    }

    @Override
    public int leader() {
        return servers.leader();
    }

    @Override
    public void kill(int node) throws InterruptedException {
        servers.kill(node);
    }

    @Override
    public void restart(int node) throws Exception {
        servers.start(node);
        servers.awaitHealthy(node, 60_000);
    }

    @Override
    public long pid(int node) {
        return servers.pid(node);
    }

    @Override
    public List<Integer> peerPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int node = 0; node < size(); node++) {
            ports.add(servers.peerPort(node));
        }
        return ports;
    }

    @Override
    public KvClient client(int node, int timeoutMillis) {
        KeepAliveConnection connection = new KeepAliveConnection(servers.host(node), servers.port(node),
                timeoutMillis);
        return new KvClient() {
            @Override
            public boolean put(String key, byte[] value) throws Exception {
                return connection.exchange("PUT", KV + key, value).status() == 200;
            }

            @Override
            public boolean get(String key) throws Exception {
                int status = connection.call("GET", KV + key);
                return status == 200 || status == 404;
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /** The servers, for what only Beacon has (its Nacos API, its heap). */
    ServerLauncher servers() {
        return servers;
    }

    @Override
    public void close() throws InterruptedException {
        servers.close();
    }
}
