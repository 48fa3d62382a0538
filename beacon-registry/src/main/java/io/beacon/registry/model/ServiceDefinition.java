package io.beacon.registry.model;

import java.util.Map;
import java.util.SortedMap;

/** What a client sets on a service: protect threshold, metadata and selector. Immutable. */
public record ServiceDefinition(double protectThreshold, SortedMap<String, String> metadata, Selector selector) {
    public static final ServiceDefinition DEFAULT =
            new ServiceDefinition(NamingDefaults.PROTECT_THRESHOLD, Map.of(), Selector.NONE);

    public ServiceDefinition(double protectThreshold, Map<String, String> metadata, Selector selector) {
        this(protectThreshold, Values.sortedCopy(metadata), selector);
    }

    public ServiceDefinition {
        metadata = Values.sortedCopy(metadata);
        selector = selector == null ? Selector.NONE : selector;
    }
}
