package io.beacon.node;

/** A proposal's entry was replaced before it committed: the command was not applied and never will be. */
public final class NotAppliedException extends RuntimeException {
    public NotAppliedException(String message) {
        super(message);
    }
}
