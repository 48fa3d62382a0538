// Owns: the optional wall-clock limit of a check; without one the clock is never read.
package io.beacon.testkit.lin;

import java.time.Duration;

/** A wall-clock deadline. {@link #NONE} never reads the clock, so checks without a deadline stay deterministic. */
interface Deadline {

    Deadline NONE = () -> false;

    boolean hasPassed();

    static Deadline after(Duration timeout) {
        if (timeout == null) {
            return NONE;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        long start = System.nanoTime();
        long limit = saturatedNanos(timeout);
        return () -> System.nanoTime() - start >= limit;
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
