package io.beacon.registry.lease;

import io.beacon.registry.model.InstanceKey;

import java.util.List;

/**
 * A lease transition for the leader to propose: the command bytes and, for logs and tests, what it does to which
 * instances.
 */
public record LeaseProposal(Transition transition, List<InstanceKey> instances, byte[] command) {
    public LeaseProposal {
        instances = List.copyOf(instances);
    }

    public enum Transition {
        /** Beats stopped for longer than the heart beat timeout. */
        UNHEALTHY,
        /** A beat came from an unhealthy instance. */
        HEALTHY,
        /** Beats stopped for longer than the ip delete timeout. */
        REMOVE
    }
}
