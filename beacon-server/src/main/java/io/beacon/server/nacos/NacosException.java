package io.beacon.server.nacos;

/** A Nacos call that fails with this status and this plain-text body, as Nacos answers it. */
final class NacosException extends RuntimeException {
    private final int status;

    NacosException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
