package io.beacon.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation the storage makes, and nothing else: the seam where tests put a disk that loses
 * unsynced writes, tears them, flips bits or fails {@code fsync} ({@link FileChannelIo} is the real one).
 * Durability is explicit: data written to a file is durable only after {@link StorageFile#force()}; a file's
 * creation, deletion or renaming only after {@link #syncDirectory(Path)} on the directory holding it.
 */
public interface StorageIo {
    /** Opens a file for reading and writing, creating it (empty) if it does not exist. */
    StorageFile open(Path file) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    /** The names of a directory's entries, sorted. */
    List<String> list(Path directory) throws IOException;

    void createDirectories(Path directory) throws IOException;

    /** Deletes a file or an empty directory; nothing if it does not exist. */
    void delete(Path path) throws IOException;

    /** Renames atomically within one directory, replacing the target if it exists. */
    void rename(Path from, Path to) throws IOException;

    /** Makes the creations, deletions and renamings of a directory's entries durable. */
    void syncDirectory(Path directory) throws IOException;

    /** Deletes a directory and everything under it (files first), or a file. */
    default void deleteTree(Path path) throws IOException {
        if (isDirectory(path)) {
            for (String name : list(path)) {
                deleteTree(path.resolve(name));
            }
        }
        delete(path);
    }
}
