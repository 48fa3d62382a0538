package io.beacon.server;

import java.util.Map;

/**
 * An error a client caused or must know of, with the HTTP status it maps to and extra JSON fields. Every error
 * the API returns goes through here, so each gets one status and one message shape:
 * {@code {"status": 404, "error": "...", ...}}.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, Object> details;

    ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    ApiException(int status, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.details = details;
    }

    int status() {
        return status;
    }

    Map<String, Object> details() {
        return details;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /**
     * 503 for a request the cluster could not take now. {@code outcome} tells a client whether a write may still
     * take effect: {@code "not-applied"} (it certainly will not: retry freely) or {@code "unknown"} (it may: read
     * before retrying a compare-and-set).
     */
    static ApiException unavailable(String message, boolean mayApply, Map<String, Object> details) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>(details);
        fields.put("outcome", mayApply ? "unknown" : "not-applied");
        return new ApiException(503, message, fields);
    }
}
