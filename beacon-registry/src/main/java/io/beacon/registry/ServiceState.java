package io.beacon.registry;

import io.beacon.raft.Checks;
import io.beacon.registry.model.ClusterView;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceView;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service while the registry holds it: definition, clusters in name order, and the leader's stamps of its
 * creation and last change. Mutable; touched only by the apply thread or under the registry's read lock.
 */
final class ServiceState {
    private final ServiceKey key;
    private ServiceDefinition definition;
    private final long createdMillis;
    private long modifiedMillis;
    private final TreeMap<String, ClusterState> clusters = new TreeMap<>();

    ServiceState(ServiceKey key, ServiceDefinition definition, long createdMillis, long modifiedMillis) {
        this.key = key;
        this.definition = definition;
        this.createdMillis = createdMillis;
        this.modifiedMillis = modifiedMillis;
    }

    ServiceKey key() {
        return key;
    }

    ServiceDefinition definition() {
        return definition;
    }

    void definition(ServiceDefinition newDefinition) {
        definition = newDefinition;
    }

    long createdMillis() {
        return createdMillis;
    }

    long modifiedMillis() {
        return modifiedMillis;
    }

    void modified(long stampMillis) {
        modifiedMillis = stampMillis;
    }

    ClusterState cluster(String name) {
        return clusters.get(name);
    }

    /** Adds an empty cluster, which must be absent. */
    ClusterState addCluster(String name, Map<String, String> metadata) {
        Checks.check(!clusters.containsKey(name), "a cluster is added to a service only once");
        ClusterState cluster = new ClusterState(name, metadata);
        clusters.put(name, cluster);
        return cluster;
    }

    /** Clusters in name order; read-only. */
    Collection<ClusterState> clusters() {
        return clusters.values();
    }

    Instance instance(InstanceKey key) {
        ClusterState cluster = clusters.get(key.clusterName());
        return cluster == null ? null : cluster.instance(key);
    }

    int instanceCount() {
        int count = 0;
        for (ClusterState cluster : clusters.values()) {
            count += cluster.size();
        }
        return count;
    }

    int healthyInstanceCount() {
        int count = 0;
        for (ClusterState cluster : clusters.values()) {
            for (Instance instance : cluster.instances()) {
                count += instance.healthy() ? 1 : 0;
            }
        }
        return count;
    }

    ServiceView view() {
        List<ClusterView> views = new ArrayList<>(clusters.size());
        for (ClusterState cluster : clusters.values()) {
            views.add(cluster.view());
        }
        return new ServiceView(key, definition, views, createdMillis, modifiedMillis);
    }
}
