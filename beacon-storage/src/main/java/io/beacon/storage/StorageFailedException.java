package io.beacon.storage;

/**
 * A write, truncation or fsync failed. The storage is stopped for good (fail-stop): after a failed fsync the
 * kernel may already have dropped the dirty pages, so neither retrying nor carrying on could be trusted. Every
 * write still waiting, and every later one, fails with this exception; the node must stop and be restarted,
 * whereupon recovery reads back what really is on disk.
 */
public final class StorageFailedException extends StorageException {
    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
