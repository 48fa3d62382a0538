package io.beacon.registry;

import io.beacon.raft.Checks;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.ServiceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole naming state: services in key order and the registry switches. Every structure is sorted, so every
 * walk over it (queries, snapshots) visits the same order on every replica. Mutable; changed only by the apply
 * thread through {@link CommandExecutor} or a snapshot restore, read under the registry's read lock.
 */
final class RegistryState {
    private final TreeMap<ServiceKey, ServiceState> services = new TreeMap<>();
    private final TreeMap<String, String> switches = new TreeMap<>();

    ServiceState service(ServiceKey key) {
        return services.get(key);
    }

    /** Adds a service, which must be absent. */
    void addService(ServiceState service) {
        Checks.check(!services.containsKey(service.key()), "a service is created only once");
        services.put(service.key(), service);
    }

    void removeService(ServiceKey key) {
        services.remove(key);
    }

    /** All services in key order; read-only. */
    NavigableMap<ServiceKey, ServiceState> services() {
        return services;
    }

    /** The services of one namespace, in key order; read-only. */
    NavigableMap<ServiceKey, ServiceState> servicesOf(String namespaceId) {
        return services.subMap(new ServiceKey(namespaceId, "\0", "\0"), true,
                new ServiceKey(namespaceId + "\0", "\0", "\0"), false);
    }

    /** The services of one namespace and group, in name order; read-only. */
    NavigableMap<ServiceKey, ServiceState> servicesOf(String namespaceId, String groupName) {
        // Every name sorts at or after "\0", and every group name below groupName + "\0" that is not
        // below groupName is groupName itself.
        return services.subMap(new ServiceKey(namespaceId, groupName, "\0"), true,
                new ServiceKey(namespaceId, groupName + "\0", "\0"), false);
    }

    SortedMap<String, String> switches() {
        return switches;
    }

    /** Merges entries into the switches; true if any value changed. */
    boolean putSwitches(Map<String, String> entries) {
        boolean changed = false;
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            changed |= !entry.getValue().equals(switches.put(entry.getKey(), entry.getValue()));
        }
        return changed;
    }

    int instanceCount() {
        int count = 0;
        for (ServiceState service : services.values()) {
            count += service.instanceCount();
        }
        return count;
    }

    List<Instance> ephemeralInstances() {
        List<Instance> ephemeral = new ArrayList<>();
        for (ServiceState service : services.values()) {
            for (ClusterState cluster : service.clusters()) {
                for (Instance instance : cluster.instances()) {
                    if (instance.ephemeral()) {
                        ephemeral.add(instance);
                    }
                }
            }
        }
        return ephemeral;
    }
}
