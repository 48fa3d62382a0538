package io.beacon.node;

/**
 * This member cannot tell whether a proposal was applied: its answer was lost with a connection or a change of
 * leader, or its entry arrived inside a snapshot. It may have been applied, or may still be; read before retrying.
 */
public final class OutcomeUnknownException extends RuntimeException {
    public OutcomeUnknownException(String message) {
        super(message);
    }
}
