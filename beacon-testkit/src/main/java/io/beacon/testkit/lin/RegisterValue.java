// Owns: the value of one register, where "absent" is a real value distinct from "unknown" (null).
package io.beacon.testkit.lin;

/**
 * The content of a register: {@code value == null} means the key is absent. Used both as the model state and as the
 * output of a read, so a read that returned "absent" ({@link #ABSENT}) differs from a read whose output is unknown
 * (a null output).
 */
public record RegisterValue(String value) {

    public static final RegisterValue ABSENT = new RegisterValue(null);

    public static RegisterValue of(String valueOrNull) {
        return valueOrNull == null ? ABSENT : new RegisterValue(valueOrNull);
    }

    public boolean isAbsent() {
        return value == null;
    }

    @Override
    public String toString() {
        return value == null ? "nil" : value;
    }
}
