package io.beacon.registry.model;

import java.util.List;

/**
 * One service as queries return it (Nacos's {@code GET /v1/ns/service}): key, definition, clusters in name
 * order, and the leader's stamps of its creation and last change. Immutable.
 */
public record ServiceView(ServiceKey key, ServiceDefinition definition, List<ClusterView> clusters,
                          long createdMillis, long modifiedMillis) {
    public ServiceView {
        clusters = List.copyOf(clusters);
    }

    public String name() {
        return key.serviceName();
    }

    public String groupName() {
        return key.groupName();
    }

    public double protectThreshold() {
        return definition.protectThreshold();
    }
}
