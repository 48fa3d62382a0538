package io.beacon.registry.model;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Argument checks and immutable sorted copies shared by the model's records. Owns no state. */
public final class Values {
    private static final SortedMap<String, String> EMPTY = Collections.unmodifiableSortedMap(new TreeMap<>());

    private Values() {
    }

    static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be null or empty");
        }
    }

    /** An unmodifiable sorted copy of map (empty for null); refuses null keys and values. */
    public static SortedMap<String, String> sortedCopy(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return EMPTY;
        }
        TreeMap<String, String> copy = new TreeMap<>();
        map.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new IllegalArgumentException("metadata keys and values must not be null");
            }
            copy.put(key, value);
        });
        return Collections.unmodifiableSortedMap(copy);
    }
}
