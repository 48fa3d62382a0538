package io.beacon.registry;

import io.beacon.registry.model.Page;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;

import java.util.ArrayList;
import java.util.List;

/**
 * The service listings: names of one namespace and group ({@code /v1/ns/service/list}) and the catalog with
 * counts ({@code /v1/ns/catalog/services}), sorted by key and paged. Pure: reads the state it is given.
 */
final class ServiceCatalog {
    private ServiceCatalog() {
    }

    static Page<String> serviceNames(RegistryState state, String namespaceId, String groupName, int pageNo,
                                     int pageSize) {
        List<String> names = new ArrayList<>();
        for (ServiceKey key : state.servicesOf(namespaceId, groupName).keySet()) {
            names.add(key.serviceName());
        }
        return Page.of(names, pageNo, pageSize);
    }

    /**
     * Services of a namespace whose group and name contain the given filters (null or empty matches all), with
     * their cluster, instance and healthy-instance counts.
     */
    static Page<ServiceSummary> summaries(RegistryState state, String namespaceId, String groupFilter,
                                          String nameFilter, int pageNo, int pageSize) {
        List<ServiceSummary> matching = new ArrayList<>();
        for (ServiceState service : state.servicesOf(namespaceId).values()) {
            ServiceKey key = service.key();
            if (contains(key.groupName(), groupFilter)
                    && contains(key.serviceName(), nameFilter)) {
                matching.add(new ServiceSummary(key, service.clusters().size(), service.instanceCount(),
                        service.healthyInstanceCount()));
            }
        }
        return Page.of(matching, pageNo, pageSize);
    }

    private static boolean contains(String value, String filter) {
        return filter == null || filter.isEmpty() || value.contains(filter);
    }
}
