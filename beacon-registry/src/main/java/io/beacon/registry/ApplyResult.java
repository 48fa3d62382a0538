package io.beacon.registry;

import io.beacon.registry.model.ServiceKey;

import java.util.List;

/**
 * What applying one registry command did, returned to the proposer by {@link NamingRegistry#apply}: either it
 * took effect ({@link Applied}) or it was refused with Nacos's status and text ({@link Rejected}). Both are
 * deterministic: every replica computes the same result for the same entry.
 */
public sealed interface ApplyResult {

    /**
     * The command took effect (possibly changing nothing, e.g. deregistering an absent instance).
     *
     * @param stampMillis      the leader's timestamp the command carried
     * @param changedServices  services whose instance list or definition changed, in key order: push to their
     *                         subscribers
     * @param instanceChanges  what happened to instances, in the order the command touched them
     * @param switchesChanged  whether the registry switches changed
     */
    record Applied(long stampMillis, List<ServiceKey> changedServices, List<InstanceChange> instanceChanges,
                   boolean switchesChanged) implements ApplyResult {
        public Applied {
            changedServices = List.copyOf(changedServices);
            instanceChanges = List.copyOf(instanceChanges);
        }
    }

    /** The command was refused; nothing changed. The server answers {@code httpStatus} with {@code message}. */
    record Rejected(int httpStatus, String message) implements ApplyResult {
    }
}
