package io.beacon.raft;

/**
 * Invariant assertions that stay on in production. A failed check means the algorithm or its
 * runtime broke a rule Raft depends on; carrying on could lose acknowledged data, so it throws.
 *
 * <p>The overloads take primitive arguments so that a passing check allocates nothing.
 */
public final class Checks {
    private Checks() {
    }

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new InvariantViolation(message);
        }
    }

    public static void check(boolean condition, String template, long first) {
        if (!condition) {
            throw new InvariantViolation(String.format(template, first));
        }
    }

    public static void check(boolean condition, String template, long first, long second) {
        if (!condition) {
            throw new InvariantViolation(String.format(template, first, second));
        }
    }

    public static void check(boolean condition, String template, long first, long second, long third) {
        if (!condition) {
            throw new InvariantViolation(String.format(template, first, second, third));
        }
    }

    /** Thrown when an invariant of the algorithm does not hold. Never caught inside the core. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }
}
