package io.beacon.registry;

import io.beacon.registry.model.Instance;

/**
 * One instance touched by an applied command, with the instance as it is now (or, when removed, as it was).
 * {@link Kind#REGISTERED}, {@link Kind#UPDATED} and {@link Kind#HEALTH} are reported even when the stored value did
 * not change, so that lease tracking sees every registration and every health command applied.
 */
public record InstanceChange(Kind kind, Instance instance) {
    public enum Kind {
        /** Registered (new or re-registered): counts as a sign of life. */
        REGISTERED,
        /** Updated through the instance update call: counts as a sign of life. */
        UPDATED,
        /** A health command was applied to it. */
        HEALTH,
        /** Deregistered or expired. */
        REMOVED
    }
}
