package io.beacon.registry.model;

import java.util.Map;
import java.util.SortedMap;

/** A cluster of a service as queries return it: its name and its own metadata. Immutable. */
public record ClusterView(String name, SortedMap<String, String> metadata) {
    public ClusterView(String name, Map<String, String> metadata) {
        this(name, Values.sortedCopy(metadata));
    }

    public ClusterView {
        metadata = Values.sortedCopy(metadata);
    }
}
