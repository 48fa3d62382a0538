package io.beacon.server.nacos;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.request.MetadataParser;
import io.beacon.registry.request.Validation;
import io.beacon.server.http.HttpCall;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/ns/instance}: register (POST), deregister (DELETE), update (PUT) and detail (GET) of one instance,
 * {@code /instance/list} (a poll, which also subscribes a push-capable client) and {@code /instance/beat}.
 */
public final class InstanceEndpoints {
    /** Nacos's beat reply codes: the instance is known; it is not (the client registers it again). */
    static final int BEAT_OK = 10200;
    static final int BEAT_UNKNOWN_INSTANCE = 20404;
    private static final String JAVA_CLIENT_AGENT = "Nacos-Java-Client:v";

    private final NamingService naming;
    private final NamingRegistry registry;
    private final PushService push;

    public InstanceEndpoints(NamingService naming, PushService push) {
        this.naming = naming;
        this.registry = naming.registry();
        this.push = push;
    }

    void register(Map<String, NacosRoutes.Endpoint> endpoints) {
        endpoints.put("POST /v1/ns/instance", this::registerInstance);
        endpoints.put("DELETE /v1/ns/instance", this::deregisterInstance);
        endpoints.put("PUT /v1/ns/instance", this::updateInstance);
        endpoints.put("GET /v1/ns/instance", this::detail);
        endpoints.put("GET /v1/ns/instance/list", this::list);
        endpoints.put("PUT /v1/ns/instance/beat", this::beat);
    }

    private CompletableFuture<Object> registerInstance(NacosParams params, HttpCall call) {
        Instance instance = Validation.instance(params, registry.switches());
        return naming.propose(Commands.registerInstance(naming.now(), instance)).thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> deregisterInstance(NacosParams params, HttpCall call) {
        InstanceKey key = Validation.instanceKey(params);
        return naming.propose(Commands.deregisterInstance(naming.now(), key)).thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> updateInstance(NacosParams params, HttpCall call) {
        Instance instance = Validation.instance(params, registry.switches());
        return naming.propose(Commands.updateInstance(naming.now(), instance)).thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> detail(NacosParams params, HttpCall call) {
        InstanceKey key = Validation.instanceKey(params);
        return naming.readable(params.get("consistency")).thenApply(ready -> detail(key));
    }

    private Object detail(InstanceKey key) {
        Instance instance = registry.instance(key)
                .orElseThrow(() -> new NacosException(404, "no matched ip found!"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", key.service().groupedName());
        body.put("ip", key.ip());
        body.put("port", key.port());
        body.put("clusterName", key.clusterName());
        body.put("weight", instance.weight());
        body.put("healthy", instance.healthy());
        body.put("instanceId", instance.instanceId());
        body.put("metadata", instance.metadata());
        return body;
    }

    private CompletableFuture<Object> list(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        String name = params.get("serviceName");
        String clusters = params.optional("clusters", "");
        boolean healthyOnly = Validation.bool(params.get("healthyOnly"), false);
        int udpPort = udpPort(params.get("udpPort"));
        RegistrySwitches switches = registry.switches();
        boolean pushed = udpPort > 0 && pushCapable(call.headers().get(HttpHeaderNames.USER_AGENT));
        if (pushed) {
            String clientIp = params.optional("clientIP", call.remote().getAddress().getHostAddress());
            push.subscribe(new PushService.Subscription(key.namespaceId(), key.groupedName(), clusters),
                    new InetSocketAddress(clientIp, udpPort));
        }
        long cacheMillis = pushed ? switches.defaultPushCacheMillis() : switches.defaultCacheMillis();
        return naming.readable(params.get("consistency")).thenApply(ready -> InstanceListJson.render(
                registry.instanceList(key, clusters, healthyOnly), name, clusters, cacheMillis, naming.now()));
    }

    private CompletableFuture<Object> beat(NacosParams params, HttpCall call) {
        JsonNode beat = beatInfo(params.get("beat"));
        String ip = beat != null && beat.hasNonNull("ip") ? beat.get("ip").asText() : Validation.required(params, "ip");
        String port = beat != null && beat.hasNonNull("port") ? beat.get("port").asText()
                : Validation.required(params, "port");
        String cluster = beat != null && beat.hasNonNull("cluster") && !beat.get("cluster").asText().isBlank()
                ? beat.get("cluster").asText() : Validation.clusterName(params);
        Map<String, String> fields = new TreeMap<>();
        fields.put("namespaceId", params.get("namespaceId"));
        fields.put("serviceName", Validation.required(params, "serviceName"));
        fields.put("groupName", params.get("groupName"));
        fields.put("clusterName", cluster);
        fields.put("ip", ip);
        fields.put("port", port);
        InstanceKey key = Validation.instanceKey(fields::get);
        NamingService.BeatAnswer answer = naming.beat(key);
        if (answer.known()) {
            return CompletableFuture.completedFuture(beatReply(BEAT_OK, answer.clientBeatIntervalMillis()));
        }
        if (beat == null) {
            return CompletableFuture.completedFuture(beatReply(BEAT_UNKNOWN_INSTANCE, 0));
        }
        // A full beat of an instance the registry lacks (expired, or never registered here): register it from
        // the beat, as Nacos does.
        Instance instance = new Instance(key, beat.hasNonNull("weight") ? Validation.weight(beat.get("weight")
                .asText()) : NamingDefaults.WEIGHT, true, true, true, false, metadataOf(beat.get("metadata")));
        return naming.propose(Commands.registerInstance(naming.now(), instance))
                .thenApply(applied -> beatReply(BEAT_OK, io.beacon.registry.lease.LeaseTimeouts.of(
                        instance.metadata()).heartBeatIntervalMillis()));
    }

    private Map<String, Object> beatReply(int code, long intervalMillis) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientBeatInterval", intervalMillis > 0 ? intervalMillis
                : registry.switches().clientBeatIntervalMillis());
        body.put("code", code);
        body.put("lightBeatEnabled", registry.switches().lightBeatEnabled());
        return body;
    }

    private static JsonNode beatInfo(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode beat = NacosRoutes.mapper().readTree(text);
            if (beat == null || !beat.isObject()) {
                throw new NacosException(400, "beat is not a JSON object: " + text);
            }
            return beat;
        } catch (IOException e) {
            throw new NacosException(400, "beat is not valid JSON: " + e.getMessage());
        }
    }

    /** A beat's metadata, held to the same rules and limits as a registration's. */
    private static Map<String, String> metadataOf(JsonNode metadata) {
        return metadata == null || !metadata.isObject() ? Map.of() : MetadataParser.parse(metadata.toString());
    }

    private static int udpPort(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(text.trim());
            return port > 0 && port <= 65_535 ? port : 0;
        } catch (NumberFormatException e) {
            throw new NacosException(400, "Param 'udpPort' must be a port number, was '" + text + "'");
        }
    }

    /** Java clients from version 0.1.0 on take pushes (Nacos's pushJavaVersion), so every 1.x client does. */
    private static boolean pushCapable(String userAgent) {
        return userAgent != null && userAgent.startsWith(JAVA_CLIENT_AGENT);
    }
}
