package io.beacon.server.nacos;

import io.beacon.node.NodeRuntime;
import io.beacon.raft.RaftStatus;
import io.beacon.raft.Role;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.request.Validation;
import io.beacon.server.http.HttpCall;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Operations endpoints that existing Nacos tooling reads: {@code /v1/ns/operator/metrics} (nacos-client's health
 * check), {@code /operator/servers}, {@code /operator/push/state}, {@code /operator/switches} and the read-only {@code /v1/ns/raft/leader},
 * {@code /raft/peer} and {@code /raft/state}, answered from Beacon's Raft status in Nacos's shapes (a peer's
 * {@code ip} is its {@code host:port}; Nacos's election timers have no equivalent and read 0).
 */
public final class OperatorEndpoints {
    private static final String SWITCH_DOMAIN_NAME = "00-00---000-NACOS_SWITCH_DOMAIN-000---00-00";

    private final NamingService naming;
    private final NamingRegistry registry;
    private final NodeRuntime node;
    private final LongFunction<InetSocketAddress> httpAddressOf;
    private final PushService push;

    /** @param httpAddressOf the HTTP address of a member, or null if unknown */
    public OperatorEndpoints(NamingService naming, NodeRuntime node, LongFunction<InetSocketAddress> httpAddressOf,
                             PushService push) {
        this.naming = naming;
        this.registry = naming.registry();
        this.node = node;
        this.httpAddressOf = httpAddressOf;
        this.push = push;
    }

    void register(Map<String, NacosRoutes.Endpoint> endpoints) {
        endpoints.put("GET /v1/ns/operator/metrics", this::metrics);
        endpoints.put("GET /v1/ns/operator/servers", this::servers);
        endpoints.put("GET /v1/ns/operator/push/state", this::pushState);
        endpoints.put("GET /v1/ns/operator/switches", this::switches);
        endpoints.put("PUT /v1/ns/operator/switches", this::updateSwitch);
        endpoints.put("GET /v1/ns/raft/leader", this::raftLeader);
        endpoints.put("GET /v1/ns/raft/peer", this::raftPeer);
        endpoints.put("GET /v1/ns/raft/state", this::raftState);
    }

    private CompletableFuture<Object> metrics(NacosParams params, HttpCall call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", node.failure() == null ? "UP" : "DOWN");
        body.put("serviceCount", registry.serviceCount());
        body.put("instanceCount", registry.instanceCount());
        body.put("raftNotifyTaskCount", 0);
        body.put("responsibleServiceCount", naming.leading() ? registry.serviceCount() : 0);
        body.put("responsibleInstanceCount", naming.leading() ? registry.instanceCount() : 0);
        var os = ManagementFactory.getOperatingSystemMXBean();
        Runtime runtime = Runtime.getRuntime();
        body.put("cpu", os.getAvailableProcessors());
        body.put("load", os.getSystemLoadAverage());
        body.put("mem", 1 - (double) runtime.freeMemory() / runtime.totalMemory());
        return CompletableFuture.completedFuture(body);
    }

    /** This server's UDP pushes since it started: packets sent (resends included), acknowledged, given up. */
    private CompletableFuture<Object> pushState(NacosParams params, HttpCall call) {
        PushService.Stats stats = push.stats();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("succeed", stats.acknowledged());
        body.put("total", stats.pushed());
        body.put("failed", stats.failed());
        body.put("ratio", stats.pushed() == 0 ? 0.0 : (double) stats.acknowledged() / stats.pushed());
        body.put("subscribers", stats.subscribers());
        return CompletableFuture.completedFuture(body);
    }

    private CompletableFuture<Object> servers(NacosParams params, HttpCall call) {
        return node.status().thenApply(status -> {
            List<Map<String, Object>> servers = new ArrayList<>();
            long now = naming.now();
            for (long member : status.configuration().members()) {
                InetSocketAddress address = httpAddressOf.apply(member);
                if (address == null) {
                    continue;
                }
                Map<String, Object> server = new LinkedHashMap<>();
                server.put("ip", address.getHostString());
                server.put("servePort", address.getPort());
                server.put("site", "unknown");
                server.put("weight", 1);
                server.put("adWeight", 0);
                server.put("alive", member == status.id() || member == status.leaderId()
                        || status.followers().stream().anyMatch(f -> f.id() == member
                        && f.ticksSinceLastResponse() < 20));
                server.put("lastRefTime", now);
                server.put("lastRefTimeStr", java.time.Instant.ofEpochMilli(now).toString());
                server.put("key", address.getHostString() + ":" + address.getPort());
                servers.add(server);
            }
            return Map.of("servers", servers);
        });
    }

    private CompletableFuture<Object> switches(NacosParams params, HttpCall call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", SWITCH_DOMAIN_NAME);
        body.putAll(registry.switches().all());
        return CompletableFuture.completedFuture(body);
    }

    private CompletableFuture<Object> updateSwitch(NacosParams params, HttpCall call) {
        return naming.propose(Commands.updateSwitches(naming.now(), Validation.switchUpdate(params)))
                .thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> raftLeader(NacosParams params, HttpCall call) {
        return node.status().thenApply(status -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leader", status.leaderId() == 0 ? null : NacosRoutes.json(peer(status, status.leaderId())));
            return body;
        });
    }

    private CompletableFuture<Object> raftPeer(NacosParams params, HttpCall call) {
        return node.status().thenApply(status -> peer(status, status.id()));
    }

    private CompletableFuture<Object> raftState(NacosParams params, HttpCall call) {
        return node.status().thenApply(status -> {
            List<Map<String, Object>> peers = new ArrayList<>();
            for (long member : status.configuration().members()) {
                peers.add(peer(status, member));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("services", registry.serviceCount());
            body.put("peers", peers);
            return body;
        });
    }

    /** A member as Nacos's RaftPeer JSON, seen from this member. */
    private Map<String, Object> peer(RaftStatus status, long member) {
        InetSocketAddress address = httpAddressOf.apply(member);
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("ip", address == null ? String.valueOf(member) : address.getHostString() + ":" + address.getPort());
        peer.put("voteFor", member == status.id() && status.votedFor() != 0 ? addressText(status.votedFor()) : null);
        peer.put("term", status.term());
        peer.put("leaderDueMs", 0);
        peer.put("heartbeatDueMs", 0);
        String state = member == status.leaderId() ? "LEADER"
                : member == status.id() && status.role() == Role.CANDIDATE ? "CANDIDATE" : "FOLLOWER";
        peer.put("state", state);
        return peer;
    }

    private String addressText(long member) {
        InetSocketAddress address = httpAddressOf.apply(member);
        return address == null ? String.valueOf(member) : address.getHostString() + ":" + address.getPort();
    }
}
