package io.beacon.registry.command;

/**
 * A log entry that is not a registry command this build can apply: unknown format version, unknown type,
 * truncated or trailing bytes, or impossible values. Commands built by {@link Commands} never cause it, so the
 * runtime treats it as fatal.
 */
public final class MalformedCommandException extends IllegalStateException {
    public MalformedCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
