package io.beacon.storage;

import io.beacon.raft.Configuration;
import io.beacon.raft.SnapshotMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The directory {@code snapshots/}: one directory per complete snapshot, named
 * {@code snapshot-<index>-<term>}, holding {@code state} (the state machine's bytes, exactly as sent in
 * InstallSnapshot chunks) and {@code meta}. A snapshot is written under a {@code tmp-} name and renamed into place
 * once both files are durable, so a crash never leaves a half-written snapshot under a real name.
 *
 * <p>{@code meta}: magic "BSNP", version, index, term, state length, CRC32C of the state, the configuration's
 * length and bytes, and a CRC32C of everything before it. Thread-safe: the storage thread installs snapshots a
 * leader sends, while the apply thread writes the node's own.
 */
final class SnapshotStore {
    static final String STATE = "state";
    static final String META = "meta";
    private static final String PREFIX = "snapshot-";
    private static final String TEMP_PREFIX = "tmp-";
    private static final int MAGIC = 0x42534E50;
    private static final int VERSION = 1;
    private static final int READ_BUFFER = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final StorageIo io;
    private final Path directory;
    private final int kept;
    /** Complete snapshots on disk, oldest first. */
    private final List<OnDisk> snapshots;
    /** The newest of them, with its configuration, or null. */
    private SnapshotMetadata latest;
    private long nextTemp;

    private SnapshotStore(StorageIo io, Path directory, int kept, List<OnDisk> snapshots, SnapshotMetadata latest) {
        this.io = io;
        this.directory = directory;
        this.kept = kept;
        this.snapshots = snapshots;
        this.latest = latest;
    }

    /** A complete snapshot's index and term, which name its directory. */
    private record OnDisk(long index, long term) {
        Path path(Path directory) {
            return directory.resolve(String.format("%s%020d-%020d", PREFIX, index, term));
        }
    }

    /**
     * Opens the directory: removes snapshots a crash left half-written, verifies the newest complete one in full
     * (its meta and its state's checksum) and deletes any beyond the number kept.
     *
     * @throws CorruptStorageException if the newest snapshot is damaged
     */
    static SnapshotStore open(StorageIo io, Path directory, int kept, List<RecoveryReport.Repair> repairs)
            throws IOException {
        io.createDirectories(directory);
        List<String> complete = new ArrayList<>();
        boolean removed = false;
        for (String name : io.list(directory)) {
            if (name.startsWith(TEMP_PREFIX)) {
                io.deleteTree(directory.resolve(name));
                removed = true;
                RecoveryReport.Repair repair = new RecoveryReport.Repair(directory.resolve(name), 0,
                        "removed a snapshot a crash left unfinished");
                LOG.warn("snapshot recovery {}", repair);
                repairs.add(repair);
            } else if (parseName(name) != null) {
                complete.add(name);
            } else {
                LOG.warn("ignoring an entry that is not a snapshot path={}", directory.resolve(name));
            }
        }
        complete.sort((a, b) -> Long.compare(parseName(a)[0], parseName(b)[0]));
        List<OnDisk> snapshots = new ArrayList<>();
        SnapshotMetadata latest = null;
        if (!complete.isEmpty()) {
            String newest = complete.get(complete.size() - 1);
            latest = verify(io, directory.resolve(newest), parseName(newest));
            for (int i = 0; i < complete.size() - 1; i++) {
                if (i < complete.size() - kept) {
                    io.deleteTree(directory.resolve(complete.get(i)));
                    removed = true;
                } else {
                    // Older ones are only ever read to be sent on; a damaged one fails that send, not start-up.
                    long[] indexAndTerm = parseName(complete.get(i));
                    snapshots.add(new OnDisk(indexAndTerm[0], indexAndTerm[1]));
                }
            }
            snapshots.add(new OnDisk(latest.index(), latest.term()));
        }
        if (removed) {
            io.syncDirectory(directory);
        }
        return new SnapshotStore(io, directory, kept, snapshots, latest);
    }

    private static long[] parseName(String name) {
        if (!name.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = name.substring(PREFIX.length()).split("-");
        if (parts.length != 2) {
            return null;
        }
        try {
            long index = Long.parseLong(parts[0]);
            long term = Long.parseLong(parts[1]);
            return index > 0 && term > 0 ? new long[] {index, term} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static SnapshotMetadata verify(StorageIo io, Path snapshot, long[] indexAndTerm) throws IOException {
        Path metaPath = snapshot.resolve(META);
        if (!io.exists(metaPath)) {
            throw new CorruptStorageException(metaPath, 0, "snapshot meta file is missing");
        }
        byte[] meta;
        try (StorageFile file = io.open(metaPath)) {
            long size = file.size();
            if (size < 40 || size > Integer.MAX_VALUE) {
                throw new CorruptStorageException(metaPath, Math.min(size, 40), "snapshot meta file of " + size
                        + " bytes is too short");
            }
            meta = file.readFully(0, (int) size);
        }
        ByteBuffer buffer = ByteBuffer.wrap(meta);
        if (buffer.getInt(0) != MAGIC) {
            throw new CorruptStorageException(metaPath, 0, String.format(
                    "wrong magic number 0x%08x, not a Beacon snapshot", buffer.getInt(0)));
        }
        if (buffer.getInt(4) != VERSION) {
            throw new CorruptStorageException(metaPath, 4, "unsupported snapshot format version "
                    + buffer.getInt(4) + " (this build reads version " + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(meta, 0, meta.length - 4);
        if ((int) crc.getValue() != buffer.getInt(meta.length - 4)) {
            throw new CorruptStorageException(metaPath, meta.length - 4, "snapshot meta checksum mismatch");
        }
        long index = buffer.getLong(8);
        long term = buffer.getLong(16);
        long stateLength = buffer.getLong(24);
        int stateCrc = buffer.getInt(32);
        int configurationLength = buffer.getInt(36);
        if (index != indexAndTerm[0] || term != indexAndTerm[1]) {
            throw new CorruptStorageException(metaPath, 8, "meta says index " + index + " term " + term
                    + " but the directory is named for index " + indexAndTerm[0] + " term " + indexAndTerm[1]);
        }
        if (configurationLength != meta.length - 44) {
            throw new CorruptStorageException(metaPath, 36, "configuration length " + configurationLength
                    + " does not fit the file");
        }
        Configuration configuration;
        try {
            configuration = Configuration.decode(java.util.Arrays.copyOfRange(meta, 40, 40 + configurationLength));
        } catch (RuntimeException e) {
            throw new CorruptStorageException(metaPath, 40, "unreadable configuration: " + e.getMessage());
        }
        Path statePath = snapshot.resolve(STATE);
        if (!io.exists(statePath)) {
            throw new CorruptStorageException(statePath, 0, "snapshot state file is missing");
        }
        try (StorageFile file = io.open(statePath)) {
            if (file.size() != stateLength) {
                throw new CorruptStorageException(statePath, Math.min(file.size(), stateLength), "snapshot state is "
                        + file.size() + " bytes but its meta says " + stateLength);
            }
            CRC32C stateChecksum = new CRC32C();
            ByteBuffer chunk = ByteBuffer.allocateDirect(READ_BUFFER);
            for (long offset = 0; offset < stateLength; ) {
                chunk.clear();
                int read = file.read(chunk, offset);
                chunk.flip();
                stateChecksum.update(chunk);
                offset += read;
                if (read == 0) {
                    throw new CorruptStorageException(statePath, offset, "snapshot state ends early");
                }
            }
            if ((int) stateChecksum.getValue() != stateCrc) {
                throw new CorruptStorageException(statePath, 0, "snapshot state checksum mismatch over "
                        + stateLength + " bytes");
            }
        }
        return new SnapshotMetadata(index, term, configuration);
    }

    /** The newest complete snapshot, or null if there is none. */
    synchronized SnapshotMetadata latest() {
        return latest;
    }

    /** Starts writing a snapshot; nothing is visible until {@link Writer#commit()}. */
    synchronized Writer begin(SnapshotMetadata metadata) throws IOException {
        if (metadata.index() == 0) {
            throw new IllegalArgumentException("a snapshot must cover at least one entry");
        }
        Path temp = directory.resolve(TEMP_PREFIX + (nextTemp++));
        io.deleteTree(temp);
        io.createDirectories(temp);
        return new Writer(metadata, temp, io.open(temp.resolve(STATE)));
    }

    /** Reads up to maxBytes of a snapshot's state from offset; fewer only at its end. */
    byte[] read(long index, long offset, int maxBytes) throws IOException {
        Path state = pathOf(index).resolve(STATE);
        try (StorageFile file = io.open(state)) {
            long available = Math.max(0, file.size() - offset);
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(maxBytes, available));
            file.read(chunk, offset);
            return chunk.array();
        }
    }

    /** The size in bytes of a snapshot's state. */
    long size(long index) throws IOException {
        try (StorageFile file = io.open(pathOf(index).resolve(STATE))) {
            return file.size();
        }
    }

    /** A stream over a snapshot's whole state, for restoring the state machine from it. */
    InputStream open(long index) throws IOException {
        StorageFile file = io.open(pathOf(index).resolve(STATE));
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                int read = file.read(ByteBuffer.wrap(target, offset, length), position);
                position += read;
                return read == 0 ? -1 : read;
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    private synchronized Path pathOf(long index) throws IOException {
        for (OnDisk snapshot : snapshots) {
            if (snapshot.index() == index) {
                return snapshot.path(directory);
            }
        }
        throw new IOException("no snapshot at index " + index + " in " + directory);
    }

    private synchronized void install(SnapshotMetadata metadata, Path temp) throws IOException {
        OnDisk installed = new OnDisk(metadata.index(), metadata.term());
        Path target = installed.path(directory);
        if (io.exists(target)) {
            // The same snapshot again (a leader resending it): the one on disk is as good.
            io.deleteTree(temp);
            io.syncDirectory(directory);
            return;
        }
        io.rename(temp, target);
        io.syncDirectory(directory);
        snapshots.removeIf(s -> s.index() == metadata.index());
        snapshots.add(installed);
        snapshots.sort((a, b) -> Long.compare(a.index(), b.index()));
        if (latest == null || metadata.index() > latest.index()) {
            latest = metadata;
        }
        boolean removed = false;
        while (snapshots.size() > kept) {
            io.deleteTree(snapshots.remove(0).path(directory));
            removed = true;
        }
        if (removed) {
            io.syncDirectory(directory);
        }
    }

    /** A snapshot being written: state bytes in order, then {@link #commit()} or {@link #abort()}. */
    final class Writer {
        private final SnapshotMetadata metadata;
        private final Path temp;
        private final StorageFile state;
        private final CRC32C checksum = new CRC32C();
        private long length;
        private boolean done;

        private Writer(SnapshotMetadata metadata, Path temp, StorageFile state) {
            this.metadata = metadata;
            this.temp = temp;
            this.state = state;
        }

        SnapshotMetadata metadata() {
            return metadata;
        }

        /** The state bytes written so far. */
        long length() {
            return length;
        }

        void write(byte[] data, int offset, int count) throws IOException {
            if (done) {
                throw new IllegalStateException("snapshot " + metadata.index() + " is already finished");
            }
            state.write(ByteBuffer.wrap(data, offset, count), length);
            checksum.update(data, offset, count);
            length += count;
        }

        /** The writer as a buffered stream; closing the stream does not commit. */
        OutputStream stream() {
            return new OutputStream() {
                private final byte[] buffer = new byte[64 << 10];
                private int used;

                @Override
                public void write(int b) throws IOException {
                    if (used == buffer.length) {
                        flush();
                    }
                    buffer[used++] = (byte) b;
                }

                @Override
                public void write(byte[] data, int offset, int count) throws IOException {
                    if (count >= buffer.length) {
                        flush();
                        Writer.this.write(data, offset, count);
                        return;
                    }
                    if (used + count > buffer.length) {
                        flush();
                    }
                    System.arraycopy(data, offset, buffer, used, count);
                    used += count;
                }

                @Override
                public void flush() throws IOException {
                    if (used > 0) {
                        Writer.this.write(buffer, 0, used);
                        used = 0;
                    }
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }

        /** Makes the snapshot durable and the newest one; older ones beyond the number kept are deleted. */
        void commit() throws IOException {
            if (done) {
                throw new IllegalStateException("snapshot " + metadata.index() + " is already finished");
            }
            done = true;
            state.force();
            state.close();
            byte[] configuration = metadata.configuration().encode();
            ByteBuffer meta = ByteBuffer.allocate(44 + configuration.length);
            meta.putInt(MAGIC).putInt(VERSION).putLong(metadata.index()).putLong(metadata.term()).putLong(length)
                    .putInt((int) checksum.getValue()).putInt(configuration.length).put(configuration);
            CRC32C crc = new CRC32C();
            crc.update(meta.array(), 0, meta.position());
            meta.putInt((int) crc.getValue()).flip();
            try (StorageFile file = io.open(temp.resolve(META))) {
                file.truncate(0);
                file.write(meta, 0);
                file.force();
            }
            io.syncDirectory(temp);
            install(metadata, temp);
        }

        /** Drops the unfinished snapshot. */
        void abort() throws IOException {
            if (!done) {
                done = true;
                state.close();
                io.deleteTree(temp);
            }
        }
    }
}
