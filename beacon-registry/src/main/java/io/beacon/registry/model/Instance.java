package io.beacon.registry.model;

import java.util.Map;
import java.util.SortedMap;

/**
 * One instance as the registry holds it. Immutable: a change replaces the record. Defaults are Nacos's:
 * weight 1.0, healthy, enabled, ephemeral, not marked, no metadata.
 */
public record Instance(InstanceKey key, double weight, boolean healthy, boolean enabled, boolean ephemeral,
                       boolean marked, SortedMap<String, String> metadata) {

    public Instance {
        if (key == null) {
            throw new IllegalArgumentException("an instance needs a key");
        }
        metadata = Values.sortedCopy(metadata);
    }

    /** An instance with Nacos's defaults. */
    public static Instance of(InstanceKey key) {
        return new Instance(key, NamingDefaults.WEIGHT, true, true, true, false, Map.of());
    }

    public Instance(InstanceKey key, double weight, boolean healthy, boolean enabled, boolean ephemeral,
                    boolean marked, Map<String, String> metadata) {
        this(key, weight, healthy, enabled, ephemeral, marked, Values.sortedCopy(metadata));
    }

    public String instanceId() {
        return key.instanceId();
    }

    public Instance withWeight(double newWeight) {
        return new Instance(key, newWeight, healthy, enabled, ephemeral, marked, metadata);
    }

    public Instance withHealthy(boolean newHealthy) {
        return new Instance(key, weight, newHealthy, enabled, ephemeral, marked, metadata);
    }

    public Instance withEnabled(boolean newEnabled) {
        return new Instance(key, weight, healthy, newEnabled, ephemeral, marked, metadata);
    }

    public Instance withEphemeral(boolean newEphemeral) {
        return new Instance(key, weight, healthy, enabled, newEphemeral, marked, metadata);
    }

    public Instance withMarked(boolean newMarked) {
        return new Instance(key, weight, healthy, enabled, ephemeral, newMarked, metadata);
    }

    public Instance withMetadata(Map<String, String> newMetadata) {
        return new Instance(key, weight, healthy, enabled, ephemeral, marked, newMetadata);
    }
}
