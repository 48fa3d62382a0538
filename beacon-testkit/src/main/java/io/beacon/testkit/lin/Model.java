// Owns: the contract of a sequential specification used by the linearizability checker.
package io.beacon.testkit.lin;

/**
 * A sequential specification. States must be small immutable values with value-based {@code equals} and
 * {@code hashCode}, because the checker memoises (linearized set, state) pairs.
 *
 * @param <S> the state type (never null)
 * @param <I> the input type of an operation
 * @param <O> the output type of an operation; null always means "unknown"
 */
public interface Model<S, I, O> {

    /** The state before any operation. */
    S initial();

    /**
     * The state after applying {@code input} with the observed {@code output}, or null if that output is impossible
     * in {@code state}. {@code output == null} means the output is unknown: it must always be allowed, and the
     * operation's effect is still applied.
     */
    S step(S state, I input, O output);

    /** The independent partition an input belongs to, e.g. its key. Must have value-based equals/hashCode. */
    Object partitionKey(I input);

    /**
     * True if the input never changes the state. The checker drops read-only operations whose output is unknown,
     * since they constrain nothing.
     */
    default boolean isReadOnly(I input) {
        return false;
    }
}
