package io.beacon.registry.model;

import java.util.List;
import java.util.SortedMap;

/**
 * The answer to {@code /v1/ns/instance/list} for a service that exists: the hosts to serve, the service's
 * metadata, a checksum of exactly this answer, and the leader's stamp of the service's last change. The server
 * adds what depends on the request or the clock ({@code clusters} as received, {@code cacheMillis},
 * {@code lastRefTime}). Immutable.
 *
 * @param reachedProtectThreshold whether healthy/total was at or below the threshold, so every host is served
 *                                as healthy
 */
public record InstanceList(ServiceKey service, List<Host> hosts, SortedMap<String, String> serviceMetadata,
                           String checksum, long lastModifiedMillis, boolean reachedProtectThreshold) {
    public InstanceList {
        hosts = List.copyOf(hosts);
        serviceMetadata = Values.sortedCopy(serviceMetadata);
    }

    /** The grouped name, Nacos's {@code name} and {@code dom}. */
    public String name() {
        return service.groupedName();
    }
}
