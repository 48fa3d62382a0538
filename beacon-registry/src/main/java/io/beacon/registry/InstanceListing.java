package io.beacon.registry;

import io.beacon.registry.model.Host;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceList;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Nacos's {@code /v1/ns/instance/list} rules over one service, as 1.1.4's {@code doSrvIPXT} applies them:
 * <ol>
 *   <li>take the instances of the requested clusters (a comma-separated list; empty means all);</li>
 *   <li>protect threshold: if healthy/total (in float arithmetic, disabled instances counted, as Nacos does) is
 *       at or below the service's threshold, every host is served as healthy;</li>
 *   <li>serve healthy hosts first, then unhealthy ones unless {@code healthyOnly}; leave out disabled ones.</li>
 * </ol>
 * Within each health group hosts are in cluster, ip, port order. The checksum is the MD5 of a canonical text of
 * exactly the served hosts and the service metadata. Pure: reads the service it is given, never changes it.
 */
final class InstanceListing {
    private InstanceListing() {
    }

    static InstanceList list(ServiceState service, String clusters, boolean healthyOnly) {
        List<Instance> selected = select(service, clusters);
        int healthy = 0;
        for (Instance instance : selected) {
            healthy += instance.healthy() ? 1 : 0;
        }
        // Nacos holds the threshold as a float and compares float to float.
        boolean protect = !selected.isEmpty()
                && (float) healthy / selected.size() <= (float) service.definition().protectThreshold();
        List<Host> hosts = new ArrayList<>(selected.size());
        for (Instance instance : selected) {
            if (instance.enabled() && (protect || instance.healthy())) {
                hosts.add(Host.of(instance, true));
            }
        }
        if (!healthyOnly && !protect) {
            for (Instance instance : selected) {
                if (instance.enabled() && !instance.healthy()) {
                    hosts.add(Host.of(instance, false));
                }
            }
        }
        SortedMap<String, String> metadata = service.definition().metadata();
        return new InstanceList(service.key(), hosts, metadata, checksum(hosts, metadata), service.modifiedMillis(),
                protect);
    }

    private static List<Instance> select(ServiceState service, String clusters) {
        TreeSet<String> names = new TreeSet<>();
        if (clusters != null) {
            for (String name : clusters.split(",")) {
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        List<Instance> selected = new ArrayList<>();
        for (ClusterState cluster : service.clusters()) {
            if (names.isEmpty() || names.contains(cluster.name())) {
                cluster.instances().forEach(selected::add);
            }
        }
        return selected;
    }

    static String checksum(List<Host> hosts, Map<String, String> serviceMetadata) {
        StringBuilder text = new StringBuilder();
        text.append(serviceMetadata).append('\n');
        for (Host host : hosts) {
            text.append(host.instanceId()).append('_').append(host.weight()).append('_').append(host.healthy())
                    .append('_').append(host.enabled()).append('_').append(host.ephemeral()).append('_')
                    .append(host.marked()).append('_').append(host.metadata()).append('\n');
        }
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides MD5", e);
        }
    }
}
