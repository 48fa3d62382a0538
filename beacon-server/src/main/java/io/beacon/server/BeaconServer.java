package io.beacon.server;

import io.beacon.node.NodeOptions;
import io.beacon.node.NodeRuntime;
import io.beacon.raft.RaftConfig;
import io.beacon.registry.NamingRegistry;
import io.beacon.server.http.HttpServer;
import io.beacon.server.nacos.InstanceEndpoints;
import io.beacon.server.nacos.NacosAuth;
import io.beacon.server.nacos.NacosRoutes;
import io.beacon.server.nacos.NamingService;
import io.beacon.server.nacos.OperatorEndpoints;
import io.beacon.server.nacos.PushBodies;
import io.beacon.server.nacos.PushService;
import io.beacon.server.nacos.ServiceEndpoints;
import io.beacon.server.kv.KvStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Beacon server: a member of the Raft cluster running the key-value store and the naming registry, the HTTP
 * APIs in front of them (native under {@code /beacon/v1}, Nacos's under {@code /nacos}) and the UDP push to Nacos
 * subscribers.
 *
 * <p>Identity: the servers of a new cluster take the first-incarnation member ids of their addresses (see
 * {@link Members}), so they agree on the first configuration without talking. A server whose data was wiped, or
 * one new to a running cluster, starts with {@code beacon.join=true}: it takes a new incarnation and waits, as a
 * non-member, to be added — it never comes back as the voter it was. (Started without it, a wiped server would
 * bootstrap as its first incarnation again: the operator must say which it is, as etcd's
 * {@code --initial-cluster-state} does.)
 */
public final class BeaconServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BeaconServer.class);

    private final ServerConfig config;
    private final NodeRuntime node;
    private final KvStore store;
    private final NamingService naming;
    private final PushService push;
    private final HttpServer http;
    private final InetSocketAddress httpAddress;

    private BeaconServer(ServerConfig config, NodeRuntime node, KvStore store, NamingService naming, PushService push,
                         HttpServer http, InetSocketAddress httpAddress) {
        this.config = config;
        this.node = node;
        this.store = store;
        this.naming = naming;
        this.push = push;
        this.http = http;
        this.httpAddress = httpAddress;
    }

    /** Starts a server: recovers its data, joins its peers and opens the HTTP port. */
    public static BeaconServer start(ServerConfig config) throws java.io.IOException, InterruptedException {
        Map<Long, InetSocketAddress> servers = new LinkedHashMap<>();
        for (InetSocketAddress server : config.cluster()) {
            servers.put(Members.firstIncarnation(server), server);
        }
        KvStore store = new KvStore();
        Members members = new Members(servers, config.peerPortOffset(), id -> {
            KvStore.KeyValue recorded = store.get(Members.ADDRESS_KEY_PREFIX + id);
            return recorded == null ? null : new String(recorded.value(), java.nio.charset.StandardCharsets.UTF_8);
        });
        InetSocketAddress self = InetSocketAddress.createUnresolved(config.host(), config.httpPort());
        Path raftDirectory = config.dataDirectory().resolve("raft");
        boolean fresh = !Files.exists(raftDirectory.resolve("meta"));
        List<Long> voters = new ArrayList<>(servers.keySet());
        long memberId = Members.firstIncarnation(self);
        if (fresh && config.join()) {
            memberId = Members.serverBase(self) + 2 + new SecureRandom().nextInt((int) Members.INCARNATIONS - 2);
            voters = List.of();
            LOG.warn("joining with an empty data directory {}: this server is the new member {} and takes part "
                    + "only once the cluster adds it", raftDirectory, memberId);
        }
        long newMemberId = memberId;
        NodeOptions options = new NodeOptions(raftDirectory, () -> newMemberId, voters,
                raftConfig(config), config.tickMillis(),
                io.beacon.storage.StorageOptions.DEFAULTS, config.clusterId(), config.secret(), config.peerAddress());
        NamingRegistry registry = new NamingRegistry();
        NodeRuntime node = NodeRuntime.open(options, new ServerState(List.of(store, registry)));
        HttpServer http = null;
        PushService push = new PushService(new PushBodies(registry, System::currentTimeMillis),
                PushService.Timing.NACOS);
        NamingService naming = new NamingService(node, registry, System::currentTimeMillis, push);
        try {
            node.resolvePeersWith(id -> {
                InetSocketAddress server = members.httpAddressOf(id);
                return server == null ? null : members.peerAddressOf(
                        new InetSocketAddress(server.getHostString(), server.getPort()));
            });
            NacosAuth auth = new NacosAuth(config.authEnabled(), config.authUsers(), config.secret(),
                    config.authTokenTtlSeconds());
            NacosRoutes nacos = new NacosRoutes(auth, new InstanceEndpoints(naming, push),
                    new ServiceEndpoints(naming), new OperatorEndpoints(naming, node, members::httpAddressOf, push));
            http = new HttpServer(List.of(new NativeRoutes(new NativeApi(node, store, members, config.tickMillis(),
                    config.maxValueBytes())), nacos), config.maxValueBytes() + (64 << 10));
            push.start(config.host());
            InetSocketAddress bound = http.start(new InetSocketAddress(config.host(), config.httpPort()));
            node.start();
            naming.start();
            LOG.info("beacon server started member={} http={} peer={} data={}", node.memberId(), bound,
                    node.peerAddress(), config.dataDirectory());
            return new BeaconServer(config, node, store, naming, push, http, bound);
        } catch (Exception e) {
            if (http != null) {
                http.close();
            }
            naming.close();
            push.close();
            node.close();
            throw e;
        }
    }

    /** Beacon's Raft defaults, with the snapshot interval and replication window the configuration asks for. */
    static RaftConfig raftConfig(ServerConfig config) {
        RaftConfig defaults = RaftConfig.defaults(1, List.of());
        return defaults.withSnapshots(config.snapshotEntries(), defaults.snapshotBytes(), defaults.logTailEntries(),
                defaults.snapshotChunkBytes()).withFlowControl(config.replicationInflight(),
                defaults.maxEntriesPerMessage(), defaults.maxBytesPerMessage());
    }

    public long memberId() {
        return node.memberId();
    }

    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public NodeRuntime node() {
        return node;
    }

    public KvStore store() {
        return store;
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() throws java.io.IOException, InterruptedException {
        http.close();
        naming.close();
        push.close();
        node.close();
    }
}
