package io.beacon.server.nacos;

import io.beacon.registry.model.Host;
import io.beacon.registry.model.InstanceList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nacos's {@code /v1/ns/instance/list} body (nacos-client's ServiceInfo), for polls and for pushes alike: the
 * client keys its cache on {@code name} and {@code clusters}, so both are echoed exactly as the client sent them.
 */
final class InstanceListJson {
    private InstanceListJson() {
    }

    /**
     * @param list     the registry's answer, empty for an unknown service (then only name, clusters and no hosts)
     * @param name     the service name as the client sent it
     * @param clusters the clusters parameter as the client sent it ("" if none)
     */
    static Map<String, Object> render(Optional<InstanceList> list, String name, String clusters, long cacheMillis,
                                      long lastRefTime) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (list.isEmpty()) {
            body.put("name", name);
            body.put("clusters", clusters);
            body.put("hosts", List.of());
            return body;
        }
        InstanceList instances = list.get();
        List<Map<String, Object>> hosts = new ArrayList<>(instances.hosts().size());
        for (Host host : instances.hosts()) {
            hosts.add(host(host));
        }
        body.put("hosts", hosts);
        body.put("dom", name);
        body.put("name", name);
        body.put("cacheMillis", cacheMillis);
        body.put("lastRefTime", lastRefTime);
        body.put("checksum", instances.checksum());
        body.put("useSpecifiedURL", false);
        body.put("clusters", clusters);
        body.put("env", "");
        body.put("metadata", instances.serviceMetadata());
        return body;
    }

    static Map<String, Object> host(Host host) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("valid", host.valid());
        json.put("marked", host.marked());
        json.put("instanceId", host.instanceId());
        json.put("port", host.port());
        json.put("ip", host.ip());
        json.put("weight", host.weight());
        json.put("metadata", host.metadata());
        json.put("healthy", host.healthy());
        json.put("enabled", host.enabled());
        json.put("ephemeral", host.ephemeral());
        json.put("clusterName", host.clusterName());
        json.put("serviceName", host.serviceName());
        return json;
    }
}
