package io.beacon.storage;

/** A storage problem the node cannot work around: its data is damaged, or the disk refused a write or fsync. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
