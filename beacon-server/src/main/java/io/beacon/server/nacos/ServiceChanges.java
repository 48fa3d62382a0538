package io.beacon.server.nacos;

import io.beacon.registry.model.ServiceKey;

/**
 * Where the naming service reports which services changed (in a server: the push service). Called on the apply
 * thread, in log order, after the change is visible to queries; implementations must return quickly.
 */
public interface ServiceChanges {
    /** A command changed this service's instances or definition. */
    void serviceChanged(ServiceKey service);

    /** A snapshot replaced the whole registry: any service may have changed, appeared or gone. */
    void everyServiceChanged();
}
