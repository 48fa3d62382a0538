package io.beacon.transport;

/** A frame from a peer that does not parse or makes no sense: the connection it came on is closed. */
public final class MalformedFrameException extends Exception {
    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
