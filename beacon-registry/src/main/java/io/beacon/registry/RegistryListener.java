package io.beacon.registry;

import io.beacon.registry.model.Instance;

import java.util.List;

/**
 * Told of every change the registry applies, on the apply thread, in log order, after the change is visible to
 * queries. Listeners must return quickly and must not call {@link NamingRegistry#apply}. The server uses one to
 * push to subscribers; {@link io.beacon.registry.lease.EphemeralLeases} uses one to stay in step.
 */
public interface RegistryListener {
    /** A command took effect. */
    void applied(ApplyResult.Applied result);

    /** The whole state was replaced by a snapshot; these are its ephemeral instances, in key order. */
    void restored(List<Instance> ephemeralInstances);
}
