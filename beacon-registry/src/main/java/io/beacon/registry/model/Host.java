package io.beacon.registry.model;

import java.util.SortedMap;

/**
 * One entry of {@code hosts} in Nacos's {@code /v1/ns/instance/list} answer, with its JSON field names.
 * {@code valid} and {@code healthy} are the health as served: true for every host once the protect threshold is
 * reached. {@code serviceName} is the grouped name. Immutable.
 */
public record Host(String ip, int port, boolean valid, boolean healthy, boolean marked, String instanceId,
                   SortedMap<String, String> metadata, boolean enabled, double weight, String clusterName,
                   String serviceName, boolean ephemeral) {
    public Host {
        metadata = Values.sortedCopy(metadata);
    }

    /** The host an instance is served as, with the given served health. */
    public static Host of(Instance instance, boolean servedHealthy) {
        InstanceKey key = instance.key();
        return new Host(key.ip(), key.port(), servedHealthy, servedHealthy, instance.marked(), key.instanceId(),
                instance.metadata(), instance.enabled(), instance.weight(), key.clusterName(),
                key.service().groupedName(), instance.ephemeral());
    }
}
