// Owns: the input of one operation on a per-key compare-and-set register.
package io.beacon.testkit.lin;

import java.util.Objects;

/**
 * An operation on the register stored under {@code key}. WRITE sets {@code value} (null removes the key); CAS sets
 * {@code value} if the current value equals {@code expected} (null expects the key to be absent).
 */
public record RegisterInput(Kind kind, String key, String value, String expected) {

    public enum Kind { READ, WRITE, CAS }

    public RegisterInput {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if (kind == Kind.READ && (value != null || expected != null)) {
            throw new IllegalArgumentException("a read carries no value");
        }
        if (kind == Kind.WRITE && expected != null) {
            throw new IllegalArgumentException("a write has no expected value");
        }
    }

    public static RegisterInput read(String key) {
        return new RegisterInput(Kind.READ, key, null, null);
    }

    public static RegisterInput write(String key, String value) {
        return new RegisterInput(Kind.WRITE, key, value, null);
    }

    public static RegisterInput cas(String key, String expected, String value) {
        return new RegisterInput(Kind.CAS, key, value, expected);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case READ -> "read(" + key + ")";
            case WRITE -> "write(" + key + ", " + RegisterValue.of(value) + ")";
            case CAS -> "cas(" + key + ", " + RegisterValue.of(expected) + "->" + RegisterValue.of(value) + ")";
        };
    }
}
