// Owns: one completed or indeterminate operation of a recorded history.
package io.beacon.testkit.lin;

/**
 * One operation of a history. An indeterminate operation (timed out, crashed, never answered) has
 * {@code output == null} and {@code returnTime == Long.MAX_VALUE}; the checker treats any operation with a null
 * output as indeterminate and moves its return to +infinity.
 */
public record Operation<I, O>(int process, I input, O output, long callTime, long returnTime) {

    public static final long INFINITY = Long.MAX_VALUE;

    public Operation {
        if (input == null) {
            throw new IllegalArgumentException("operation input must not be null");
        }
        if (returnTime < callTime) {
            throw new IllegalArgumentException(
                "operation returns (" + returnTime + ") before it is called (" + callTime + ")");
        }
    }

    /** An operation that definitely completed with {@code output} between the two times. */
    public static <I, O> Operation<I, O> completed(int process, I input, O output, long callTime, long returnTime) {
        if (output == null) {
            throw new IllegalArgumentException("a completed operation needs an output");
        }
        return new Operation<>(process, input, output, callTime, returnTime);
    }

    /** An operation that may or may not have taken effect at any time after {@code callTime}. */
    public static <I, O> Operation<I, O> indeterminate(int process, I input, long callTime) {
        return new Operation<>(process, input, null, callTime, INFINITY);
    }

    public boolean isIndeterminate() {
        return output == null;
    }

    /** A compact human-readable form, e.g. {@code p3 cas(x, 1->2) -> true [12, 15]}. */
    public String describe() {
        String result;
        if (output == null) {
            result = "?";
        } else if (output instanceof String text) {
            result = '"' + text + '"';
        } else {
            result = output.toString();
        }
        String end = returnTime == INFINITY ? "inf" : Long.toString(returnTime);
        return "p" + process + " " + input + " -> " + result + " [" + callTime + ", " + end + "]";
    }
}
