package io.beacon.registry.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The registry switches (Nacos's {@code SwitchDomain} entries that Beacon keeps in the log), with their defaults
 * and types. Commands set them as text; this value reads them typed. Immutable.
 */
public final class RegistrySwitches {
    /** Whether an instance registered without {@code ephemeral} is ephemeral. */
    public static final String DEFAULT_INSTANCE_EPHEMERAL = "defaultInstanceEphemeral";
    /** The beat interval the beat reply asks of a client whose metadata sets none. */
    public static final String CLIENT_BEAT_INTERVAL = "clientBeatInterval";
    /** {@code cacheMillis} of an instance list for a client without push. */
    public static final String DEFAULT_CACHE_MILLIS = "defaultCacheMillis";
    /** {@code cacheMillis} of an instance list for a client that receives pushes. */
    public static final String DEFAULT_PUSH_CACHE_MILLIS = "defaultPushCacheMillis";
    /** Whether the beat reply tells clients they may send light beats. */
    public static final String LIGHT_BEAT_ENABLED = "lightBeatEnabled";

    /** The type of a switch's value. */
    public enum Type { BOOLEAN, MILLIS }

    private static final Map<String, Type> TYPES = Map.of(DEFAULT_INSTANCE_EPHEMERAL, Type.BOOLEAN,
            CLIENT_BEAT_INTERVAL, Type.MILLIS, DEFAULT_CACHE_MILLIS, Type.MILLIS, DEFAULT_PUSH_CACHE_MILLIS,
            Type.MILLIS, LIGHT_BEAT_ENABLED, Type.BOOLEAN);

    private static final SortedMap<String, String> DEFAULTS = new TreeMap<>(Map.of(DEFAULT_INSTANCE_EPHEMERAL, "true",
            CLIENT_BEAT_INTERVAL, "5000", DEFAULT_CACHE_MILLIS, "3000", DEFAULT_PUSH_CACHE_MILLIS, "10000",
            LIGHT_BEAT_ENABLED, "true"));

    private final SortedMap<String, String> values;

    private RegistrySwitches(SortedMap<String, String> values) {
        this.values = values;
    }

    /** The defaults overridden by the switches that were set. */
    public static RegistrySwitches of(Map<String, String> set) {
        TreeMap<String, String> values = new TreeMap<>(DEFAULTS);
        values.putAll(set);
        return new RegistrySwitches(Values.sortedCopy(values));
    }

    /** The type of a known switch, or null for an unknown name. */
    public static Type typeOf(String name) {
        return TYPES.get(name);
    }

    /** Every switch with its value, sorted by name. */
    public SortedMap<String, String> all() {
        return values;
    }

    public boolean defaultInstanceEphemeral() {
        return Boolean.parseBoolean(values.get(DEFAULT_INSTANCE_EPHEMERAL));
    }

    public long clientBeatIntervalMillis() {
        return millis(CLIENT_BEAT_INTERVAL);
    }

    public long defaultCacheMillis() {
        return millis(DEFAULT_CACHE_MILLIS);
    }

    public long defaultPushCacheMillis() {
        return millis(DEFAULT_PUSH_CACHE_MILLIS);
    }

    public boolean lightBeatEnabled() {
        return Boolean.parseBoolean(values.get(LIGHT_BEAT_ENABLED));
    }

    private long millis(String name) {
        try {
            return Long.parseLong(values.get(name));
        } catch (NumberFormatException e) {
            return Long.parseLong(DEFAULTS.get(name));
        }
    }
}
