package io.beacon.storage;

import java.nio.file.Path;

/**
 * Damage found on disk that recovery must not paper over: a bad record before the log's tail, a gap between
 * segments, an unreadable hard state or snapshot, a wrong magic number or version. Start-up stops with it; the
 * message names the file and the byte offset so that an operator can look (and decide to rebuild the member).
 */
public final class CorruptStorageException extends StorageException {
    private final Path file;
    private final long offset;

    public CorruptStorageException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
