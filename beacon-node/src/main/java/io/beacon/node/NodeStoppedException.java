package io.beacon.node;

/** The member stopped (closed, or failed: its storage refused a write) before it could answer. */
public final class NodeStoppedException extends RuntimeException {
    public NodeStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
