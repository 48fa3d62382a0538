package io.beacon.registry.model;

import java.util.Comparator;

/**
 * Identifies a service: namespace, group and bare service name. Ordered by namespace, then group, then name,
 * which is the order of every listing. Immutable.
 */
public record ServiceKey(String namespaceId, String groupName, String serviceName) implements Comparable<ServiceKey> {
    private static final Comparator<ServiceKey> ORDER = Comparator.comparing(ServiceKey::namespaceId)
            .thenComparing(ServiceKey::groupName).thenComparing(ServiceKey::serviceName);

    public ServiceKey {
        Values.requireText(namespaceId, "namespaceId");
        Values.requireText(groupName, "groupName");
        Values.requireText(serviceName, "serviceName");
    }

    /** A service of the default namespace and group. */
    public static ServiceKey of(String serviceName) {
        return new ServiceKey(NamingDefaults.NAMESPACE, NamingDefaults.GROUP, serviceName);
    }

    /** {@code group@@service}, the name Nacos's instance API and JSON use. */
    public String groupedName() {
        return ServiceNames.grouped(groupName, serviceName);
    }

    @Override
    public int compareTo(ServiceKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return namespaceId + "##" + groupedName();
    }
}
