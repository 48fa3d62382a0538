package io.beacon.testkit.sim;

import io.beacon.registry.ApplyResult;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.RegistryListener;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An order-independent hash of a registry's state — each service's view (definition, clusters, stamps) and all its
 * instances, and the switches — kept up to date from the changes the registry reports as it applies commands, so the
 * simulator can compare replicas at every index without serializing the whole registry each time. A restore
 * recomputes it from the queries alone (the services of the public namespace, which is all the workload uses), so a
 * change the registry fails to report shows up as a mismatch at the next snapshot check.
 */
final class RegistryStateHash implements RegistryListener {
    private final NamingRegistry registry;
    private final TreeMap<ServiceKey, Long> byService = new TreeMap<>();
    private long servicesHash;
    private long switchesHash;

    RegistryStateHash(NamingRegistry registry) {
        this.registry = registry;
        registry.addListener(this);
        recomputeAll();
    }

    long value() {
        return servicesHash + switchesHash;
    }

    @Override
    public void applied(ApplyResult.Applied result) {
        for (ServiceKey key : result.changedServices()) {
            update(key);
        }
        if (result.switchesChanged()) {
            switchesHash = registry.switches().all().hashCode();
        }
    }

    @Override
    public void restored(List<Instance> ephemeralInstances) {
        recomputeAll();
    }

    private void recomputeAll() {
        byService.clear();
        servicesHash = 0;
        for (ServiceSummary summary : registry.catalogServices(NamingDefaults.NAMESPACE, "", "", 1,
                Integer.MAX_VALUE).items()) {
            update(summary.key());
        }
        switchesHash = registry.switches().all().hashCode();
    }

    private void update(ServiceKey key) {
        Long old = byService.remove(key);
        if (old != null) {
            servicesHash -= old;
        }
        Optional<io.beacon.registry.model.ServiceView> view = registry.service(key);
        if (view.isPresent()) {
            long hash = HashChain.mix(view.get().hashCode() * 0x9E3779B97F4A7C15L
                    + registry.instances(key).orElse(List.of()).hashCode());
            byService.put(key, hash);
            servicesHash += hash;
        }
    }
}
