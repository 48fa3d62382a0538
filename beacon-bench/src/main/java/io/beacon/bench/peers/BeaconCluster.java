package io.beacon.bench.peers;

import io.beacon.bench.cluster.ServerLauncher;

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
        return new RestKvClient(servers.host(node), servers.port(node), KV, timeoutMillis);
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
