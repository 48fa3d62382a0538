package io.beacon.registry.request;

import io.beacon.registry.model.NacosErrors;

/**
 * A client request refused before anything is proposed, with the HTTP status (400) and Nacos's text the server
 * answers with.
 */
public final class InvalidRequestException extends RuntimeException {
    private final int httpStatus;

    public InvalidRequestException(String message) {
        super(message, null, false, false);
        this.httpStatus = NacosErrors.BAD_REQUEST;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
