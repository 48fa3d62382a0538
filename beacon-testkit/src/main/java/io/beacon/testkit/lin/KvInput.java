// Owns: the input of one get / put / append operation on a string key-value store.
package io.beacon.testkit.lin;

import java.util.Objects;

/** An operation on the string stored under {@code key}: GET reads it, PUT replaces it, APPEND concatenates to it. */
public record KvInput(Kind kind, String key, String value) {

    public enum Kind { GET, PUT, APPEND }

    public KvInput {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if (kind == Kind.GET ? value != null : value == null) {
            throw new IllegalArgumentException(kind + " " + (value == null ? "needs" : "takes no") + " value");
        }
    }

    public static KvInput get(String key) {
        return new KvInput(Kind.GET, key, null);
    }

    public static KvInput put(String key, String value) {
        return new KvInput(Kind.PUT, key, value);
    }

    public static KvInput append(String key, String value) {
        return new KvInput(Kind.APPEND, key, value);
    }

    @Override
    public String toString() {
        return kind == Kind.GET
            ? "get(" + key + ")"
            : kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + key + ", \"" + value + "\")";
    }
}
