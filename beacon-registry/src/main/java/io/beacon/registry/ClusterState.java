package io.beacon.registry;

import io.beacon.raft.Checks;
import io.beacon.registry.model.ClusterView;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.Values;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One cluster of a service while the registry holds it: its metadata and its instances in key order. Mutable;
 * touched only by the apply thread or under the registry's read lock.
 */
final class ClusterState {
    private final String name;
    private SortedMap<String, String> metadata;
    private final TreeMap<InstanceKey, Instance> instances = new TreeMap<>();

    ClusterState(String name, Map<String, String> metadata) {
        this.name = name;
        this.metadata = Values.sortedCopy(metadata);
    }

    String name() {
        return name;
    }

    SortedMap<String, String> metadata() {
        return metadata;
    }

    void metadata(Map<String, String> newMetadata) {
        metadata = Values.sortedCopy(newMetadata);
    }

    Instance instance(InstanceKey key) {
        return instances.get(key);
    }

    void put(Instance instance) {
        Checks.check(instance.key().clusterName().equals(name), "an instance is stored in its own cluster");
        instances.put(instance.key(), instance);
    }

    Instance remove(InstanceKey key) {
        return instances.remove(key);
    }

    /** Instances in key order; read-only. */
    Iterable<Instance> instances() {
        return instances.values();
    }

    int size() {
        return instances.size();
    }

    ClusterView view() {
        return new ClusterView(name, metadata);
    }
}
