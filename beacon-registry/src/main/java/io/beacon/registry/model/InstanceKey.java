package io.beacon.registry.model;

import java.util.Comparator;

/**
 * Identifies an instance: its service, cluster, ip and port. One service holds at most one instance per
 * (cluster, ip, port), whether ephemeral or persistent. Ordered by service, cluster, ip, then port. Immutable.
 */
public record InstanceKey(ServiceKey service, String clusterName, String ip, int port)
        implements Comparable<InstanceKey> {
    private static final Comparator<InstanceKey> ORDER = Comparator.comparing(InstanceKey::service)
            .thenComparing(InstanceKey::clusterName).thenComparing(InstanceKey::ip)
            .thenComparingInt(InstanceKey::port);

    public InstanceKey {
        if (service == null) {
            throw new IllegalArgumentException("an instance key needs a service");
        }
        Values.requireText(clusterName, "clusterName");
        Values.requireText(ip, "ip");
    }

    /** Nacos's instance id: {@code ip#port#cluster#group@@service}. */
    public String instanceId() {
        return ip + "#" + port + "#" + clusterName + "#" + service.groupedName();
    }

    @Override
    public int compareTo(InstanceKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return service.namespaceId() + "##" + instanceId();
    }
}
