package io.beacon.storage;

import io.beacon.raft.HardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file {@code meta}: this member's identity and its hard state, 36 bytes —
 * magic "BMET", format version, member id, current term, vote, CRC32C of the 32 bytes before it. Replaced
 * atomically: written whole to {@code meta.tmp}, forced, renamed over {@code meta}, directory forced. A crash
 * leaves either the old file or the new one, never a mix, so there is no torn case to repair: any damage is an
 * error.
 */
final class HardStateFile {
    static final String NAME = "meta";
    static final String TEMP_NAME = "meta.tmp";
    static final int BYTES = 36;
    private static final int MAGIC = 0x424D4554;
    private static final int VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(HardStateFile.class);

    private final StorageIo io;
    private final Path directory;
    private final long memberId;

    private HardStateFile(StorageIo io, Path directory, long memberId) {
        this.io = io;
        this.directory = directory;
        this.memberId = memberId;
    }

    /** What the file holds. */
    record Stored(long memberId, HardState hardState) {
    }

    /**
     * Reads the file in directory: null if there is none. Removes a temp file a crash left behind.
     *
     * @throws CorruptStorageException if the file is damaged
     */
    static Stored read(StorageIo io, Path directory, List<RecoveryReport.Repair> repairs) throws IOException {
        Path temp = directory.resolve(TEMP_NAME);
        if (io.exists(temp)) {
            io.delete(temp);
            io.syncDirectory(directory);
            RecoveryReport.Repair repair = new RecoveryReport.Repair(temp, 0,
                    "removed a hard state file whose replacement a crash interrupted");
            LOG.warn("hard state recovery {}", repair);
            repairs.add(repair);
        }
        Path path = directory.resolve(NAME);
        if (!io.exists(path)) {
            return null;
        }
        ByteBuffer contents = ByteBuffer.allocate(BYTES + 1);
        try (StorageFile file = io.open(path)) {
            int read = file.read(contents, 0);
            if (read != BYTES) {
                throw new CorruptStorageException(path, Math.min(read, BYTES), "hard state file is " + file.size()
                        + " bytes long, expected " + BYTES);
            }
        }
        contents.flip();
        if (contents.getInt(0) != MAGIC) {
            throw new CorruptStorageException(path, 0, String.format(
                    "wrong magic number 0x%08x, not a Beacon hard state file", contents.getInt(0)));
        }
        if (contents.getInt(4) != VERSION) {
            throw new CorruptStorageException(path, 4, "unsupported hard state format version "
                    + contents.getInt(4) + " (this build reads version " + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(contents.duplicate().position(0).limit(32));
        if ((int) crc.getValue() != contents.getInt(32)) {
            throw new CorruptStorageException(path, 32, "hard state checksum mismatch");
        }
        long memberId = contents.getLong(8);
        long term = contents.getLong(16);
        long vote = contents.getLong(24);
        if (memberId <= 0 || term < 0 || vote < 0) {
            throw new CorruptStorageException(path, 8, "impossible hard state: member " + memberId + " term " + term
                    + " vote " + vote);
        }
        return new Stored(memberId, new HardState(term, vote));
    }

    /** A writer for this member's file. */
    static HardStateFile of(StorageIo io, Path directory, long memberId) {
        if (memberId <= 0) {
            throw new IllegalArgumentException("member id must be positive, was " + memberId);
        }
        return new HardStateFile(io, directory, memberId);
    }

    /** Replaces the file durably with one holding hardState; when this returns, the new state survives a crash. */
    void write(HardState hardState) throws IOException {
        ByteBuffer contents = ByteBuffer.allocate(BYTES);
        contents.putInt(MAGIC).putInt(VERSION).putLong(memberId).putLong(hardState.term())
                .putLong(hardState.votedFor());
        CRC32C crc = new CRC32C();
        crc.update(contents.array(), 0, 32);
        contents.putInt((int) crc.getValue()).flip();
        Path temp = directory.resolve(TEMP_NAME);
        try (StorageFile file = io.open(temp)) {
            file.truncate(0);
            file.write(contents, 0);
            file.force();
        }
        io.rename(temp, directory.resolve(NAME));
        io.syncDirectory(directory);
    }
}
