package io.beacon.bench.peers.sofajraft;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;

/**
 * One node of the SOFAJRaft peer that {@code bin/beacon-bench} compares Beacon with: a key-value
 * {@link KvStateMachine} replicated by SOFAJRaft 1.3.14 as its users run it — a {@link RaftGroupService} with its
 * own Bolt RPC server, the default RocksDB log storage, fsync on (RaftOptions' default), SOFAJRaft's default
 * election timeout (1000 ms, also what its counter example sets) and snapshot interval — and an HTTP front
 * ({@link KvHttpHandler}) for the load generator. Run as a separate JVM by {@code SofaJraftCluster}; see
 * {@link ServerOptions} for the command line.
 */
public final class SofaJraftServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SofaJraftServer.class);
    /** The raft group's name; one group per cluster. */
    static final String GROUP = "beacon-bench-kv";

    private final RaftGroupService raft;
    private final HttpFront http = new HttpFront();

    private SofaJraftServer(ServerOptions options) throws IOException {
        Files.createDirectories(options.data());
        PeerId self = PeerId.parsePeer(options.self());
        Configuration peers = new Configuration();
        if (self == null || !peers.parse(String.join(",", options.peers()))) {
            throw new IllegalArgumentException("not host:port addresses: " + options.peers());
        }
        KvStateMachine state = new KvStateMachine(GROUP);
        NodeOptions node = new NodeOptions();
        node.setInitialConf(peers);
        node.setFsm(state);
        node.setLogUri(options.data().resolve("log").toString());
        node.setRaftMetaUri(options.data().resolve("raft_meta").toString());
        node.setSnapshotUri(options.data().resolve("snapshot").toString());
        if (options.snapshotIntervalSecs() != null) {
            node.setSnapshotIntervalSecs(options.snapshotIntervalSecs());
        }
        // Without an RPC server of its own the group service starts one (Bolt) on self's address.
        raft = new RaftGroupService(GROUP, self, node);
        Node started = raft.start();
        try {
            http.start(new InetSocketAddress(options.host(), options.httpPort()), new KvHttpHandler(started, state));
        } catch (IOException e) {
            raft.shutdown();
            throw e;
        }
        LOG.info("node {} of {}: raft on {}, HTTP on port {}, election timeout {} ms, snapshot every {} s",
                options.id(), options.peers(), self, options.httpPort(), node.getElectionTimeoutMs(),
                node.getSnapshotIntervalSecs());
    }

    @Override
    public void close() {
        http.close();
        raft.shutdown();
        try {
            raft.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        quietLibraries();
        SofaJraftServer server;
        try {
            server = new SofaJraftServer(ServerOptions.parse(args));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot start: {}", e.toString(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kv-shutdown"));
        server.http.awaitClose();
    }

    /** SOFAJRaft and Bolt log at INFO per connection and election: only their warnings show; ours stay INFO. */
    private static void quietLibraries() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            context.getLogger(SofaJraftServer.class.getPackageName()).setLevel(Level.INFO);
        }
    }
}
