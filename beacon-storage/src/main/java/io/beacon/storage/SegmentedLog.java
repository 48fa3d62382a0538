package io.beacon.storage;

import io.beacon.raft.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-ahead log: entries in segment files named after their first index, appended through a buffer and
 * made durable by {@link #sync()}. Owns recovery of its directory. Not thread-safe: one storage thread uses it.
 *
 * <p>Crash-safety rules kept here: only bytes written since the last fsync of the last segment can be torn (a
 * segment is forced before the next one starts, a cut is forced before anything is appended after it); segments
 * are deleted newest first when the log is cut and oldest first when it is compacted, so an interrupted deletion
 * always leaves a contiguous run of segments.
 *
 * <p>The segment being appended to is kept filled with zeros up to {@link #PREALLOCATION_BYTES} past its records
 * (never past the segment size): fdatasync of bytes written over blocks the file already has flushes those bytes
 * alone, while bytes that make the file longer also make the file system commit its journal (the new length and
 * blocks): on this project's machines, 98–119 µs of storage-thread CPU per small group commit against 70–87 µs.
 * So the file grows once per mebibyte of log rather than at every commit. Recovery reads zeros after the last
 * record of the last segment as its end, not as damage; a segment is cut to its records before the next starts.
 */
final class SegmentedLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
    /** How far past its records the segment being appended to is filled with zeros. */
    static final int PREALLOCATION_BYTES = 1 << 20;
    private static final int ZEROS_BYTES = 64 << 10;

    private final StorageIo io;
    private final Path directory;
    private final StorageOptions options;
    private final List<LogSegment> segments;
    private ByteBuffer buffer;
    /** The index the next appended entry gets. */
    private long nextIndex;
    private long durableIndex;
    /** Whether the next record is the first since an fsync: it is marked as a batch start. */
    private boolean afterSync = true;
    private boolean directoryChanged;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(ZEROS_BYTES);

    private SegmentedLog(StorageIo io, Path directory, StorageOptions options, List<LogSegment> segments,
                         long nextIndex) {
        this.io = io;
        this.directory = directory;
        this.options = options;
        this.segments = segments;
        this.nextIndex = nextIndex;
        this.durableIndex = nextIndex - 1;
        this.buffer = ByteBuffer.allocateDirect(options.writeBufferBytes());
    }

    /** A log opened by recovery, and the entries it holds. */
    record Opened(SegmentedLog log, List<Entry> entries) {
    }

    /**
     * Recovers the log in directory: checks every record, cuts a torn tail (reported in repairs) and makes what
     * remains durable. An empty directory gives an empty log starting at index 1.
     *
     * @throws CorruptStorageException on damage anywhere but in the bytes the last crash may have torn
     */
    static Opened open(StorageIo io, Path directory, StorageOptions options, List<RecoveryReport.Repair> repairs)
            throws IOException {
        io.createDirectories(directory);
        List<LogSegment> segments = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : io.list(directory)) {
            if (SegmentHeader.firstIndexOf(name) >= 0) {
                names.add(name);
            } else {
                LOG.warn("ignoring a file that is not a log segment file={}", directory.resolve(name));
            }
        }
        ByteBuffer contents = ByteBuffer.allocateDirect(0);
        long expectedIndex = -1;
        long previousTerm = 0;
        for (int i = 0; i < names.size(); i++) {
            Path path = directory.resolve(names.get(i));
            long firstIndex = SegmentHeader.firstIndexOf(names.get(i));
            boolean last = i == names.size() - 1;
            long fileSize;
            try (StorageFile file = io.open(path)) {
                fileSize = file.size();
                if (fileSize > StorageOptions.MAX_SEGMENT_BYTES + options.maxEntryBytes() + WalRecord.HEADER_BYTES) {
                    throw new CorruptStorageException(path, fileSize, "segment file of " + fileSize
                            + " bytes is larger than any segment this storage writes");
                }
                if (contents.capacity() < fileSize) {
                    contents = ByteBuffer.allocateDirect((int) fileSize);
                }
                contents.clear().limit((int) fileSize);
                int read = file.read(contents, 0);
                contents.flip();
                if (read != fileSize) {
                    throw new CorruptStorageException(path, read, "short read of a segment");
                }
            }
            SegmentHeader.Problem headerProblem = SegmentHeader.problem(contents, firstIndex);
            if (headerProblem != null) {
                if (last && headerProblem.torn() && !batchStartAfter(contents, SegmentHeader.BYTES, options)) {
                    io.delete(path);
                    io.syncDirectory(directory);
                    repaired(repairs, path, headerProblem.offset(), "removed the last segment, whose header was torn ("
                            + headerProblem.description() + ", " + fileSize + " bytes)");
                    break;
                }
                throw new CorruptStorageException(path, headerProblem.offset(), headerProblem.description());
            }
            if (expectedIndex >= 0 && firstIndex != expectedIndex) {
                throw new CorruptStorageException(path, 0, "segment starts at index " + firstIndex
                        + " but the segment before it ends at index " + (expectedIndex - 1));
            }
            expectedIndex = firstIndex;
            LogSegment segment = new LogSegment(path, firstIndex, 0);
            int offset = SegmentHeader.BYTES;
            boolean preallocatedTail = false;
            while (offset < contents.limit()) {
                String problem = WalRecord.problemAt(contents, offset, options.maxEntryBytes());
                if (problem != null) {
                    if (last && zerosFrom(contents, offset)) {
                        preallocatedTail = true; // written ahead of the records: the log ends here
                        break;
                    }
                    if (last && !batchStartAfter(contents, offset, options)) {
                        long cut = contents.limit() - offset;
                        try (StorageFile file = io.open(path)) {
                            file.truncate(offset);
                            file.force();
                        }
                        repaired(repairs, path, offset, "cut a torn tail of " + cut + " bytes (" + problem + ")");
                        break;
                    }
                    throw new CorruptStorageException(path, offset, problem + (last
                            ? ", with records written after a later fsync behind it"
                            : ", in a segment that is not the last"));
                }
                long index = WalRecord.index(contents, offset);
                long term = WalRecord.term(contents, offset);
                if (index != expectedIndex) {
                    throw new CorruptStorageException(path, offset, "expected a record of index " + expectedIndex
                            + " but found index " + index);
                }
                if (term < previousTerm) {
                    throw new CorruptStorageException(path, offset, "term goes back from " + previousTerm + " to "
                            + term + " at index " + index);
                }
                entries.add(WalRecord.decode(contents, offset));
                segment.recordAppended(offset, term);
                previousTerm = term;
                expectedIndex++;
                offset += WalRecord.size(contents, offset);
            }
            segment.grew(offset);
            if (preallocatedTail) {
                segment.allocatedTo(fileSize);
            }
            segments.add(segment);
        }
        SegmentedLog log = new SegmentedLog(io, directory, options, segments, Math.max(expectedIndex, 1));
        if (!segments.isEmpty()) {
            // What a killed process left in the page cache reads back fine but may never have been forced:
            // make the recovered log durable before the node acts on it.
            log.current().open(io).force();
        }
        io.syncDirectory(directory);
        return new Opened(log, entries);
    }

    /** Whether every byte from offset to the end is zero. */
    private static boolean zerosFrom(ByteBuffer contents, int offset) {
        int at = offset;
        for (; at + Long.BYTES <= contents.limit(); at += Long.BYTES) {
            if (contents.getLong(at) != 0) {
                return false;
            }
        }
        for (; at < contents.limit(); at++) {
            if (contents.get(at) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether a whole record marked as a batch start begins anywhere after offset: proof of a later fsync. */
    private static boolean batchStartAfter(ByteBuffer contents, int offset, StorageOptions options) {
        for (int at = offset + 1; at + WalRecord.HEADER_BYTES <= contents.limit(); at++) {
            if (contents.get(at + WalRecord.PREFIX_BYTES) == WalRecord.BATCH_START
                    && WalRecord.problemAt(contents, at, options.maxEntryBytes()) == null) {
                return true;
            }
        }
        return false;
    }

    private static void repaired(List<RecoveryReport.Repair> repairs, Path file, long offset, String action) {
        RecoveryReport.Repair repair = new RecoveryReport.Repair(file, offset, action);
        LOG.warn("wal recovery {}", repair);
        repairs.add(repair);
    }

    /** The first index the log holds (or would hold, if empty). */
    long firstIndex() {
        return segments.isEmpty() ? nextIndex : segments.get(0).firstIndex;
    }

    long lastIndex() {
        return nextIndex - 1;
    }

    /** The last index that {@link #sync()} made durable. */
    long durableIndex() {
        return durableIndex;
    }

    /** The term of the entry at index, or -1 if the log does not hold it. */
    long term(long index) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            LogSegment segment = segments.get(i);
            if (segment.contains(index)) {
                return segment.term(index);
            }
            if (index >= segment.firstIndex) {
                break;
            }
        }
        return -1;
    }

    /**
     * Whether the log may go on after a snapshot ending at index with term (§5): it holds that entry with the same
     * term, or it starts right after it.
     */
    boolean follows(long index, long term) {
        return firstIndex() == index + 1 || term(index) == term;
    }

    int segmentCount() {
        return segments.size();
    }

    /**
     * Appends entries, which must follow on from the log or replace a suffix of it (the first one's index at most
     * {@link #lastIndex()} + 1); a replaced suffix is cut durably first. Not durable until {@link #sync()}.
     */
    void append(List<Entry> entries) throws IOException {
        for (Entry entry : entries) {
            if (entry.index() < nextIndex) {
                truncateFrom(entry.index());
            }
            if (entry.index() != nextIndex) {
                throw new IllegalArgumentException("entry " + entry.index() + " does not follow the log, which ends at "
                        + lastIndex());
            }
            if (entry.data().length > options.maxEntryBytes()) {
                throw new IllegalArgumentException("entry " + entry.index() + " of " + entry.data().length
                        + " bytes exceeds the limit of " + options.maxEntryBytes());
            }
            int size = WalRecord.encodedSize(entry);
            LogSegment segment = segments.isEmpty() ? startSegment() : current();
            if (segment.entryCount() > 0 && segment.size() + buffer.position() + size > options.segmentBytes()) {
                segment = roll();
            }
            if (buffer.remaining() < size) {
                flushBuffer();
                if (buffer.capacity() < size) {
                    buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(size - 1) << 1);
                }
            }
            segment.recordAppended(segment.size() + buffer.position(), entry.term());
            WalRecord.encode(entry, afterSync, buffer);
            afterSync = false;
            nextIndex++;
        }
    }

    /** Writes everything buffered and makes the whole log durable. */
    void sync() throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        flushBuffer();
        if (durableIndex < lastIndex() || directoryChanged) {
            current().file().force();
            afterSync = true;
            if (directoryChanged) {
                io.syncDirectory(directory);
                directoryChanged = false;
            }
        }
        durableIndex = lastIndex();
    }

    /** Cuts the log durably so that it ends at index - 1; index must not be below the log's first index. */
    void truncateFrom(long index) throws IOException {
        if (index >= nextIndex) {
            return;
        }
        if (index < firstIndex()) {
            throw new IllegalArgumentException("cannot cut the log at " + index + ": it starts at " + firstIndex());
        }
        if (index == firstIndex()) {
            reset(index);
            return;
        }
        flushBuffer();
        boolean deleted = false;
        while (segments.size() > 1 && current().firstIndex >= index) {
            LogSegment dropped = segments.remove(segments.size() - 1);
            dropped.close();
            io.delete(dropped.path);
            deleted = true;
        }
        if (deleted || directoryChanged) {
            io.syncDirectory(directory);
            directoryChanged = false;
        }
        LogSegment segment = current();
        segment.open(io);
        segment.truncateFrom(index);
        segment.file().force();
        afterSync = true;
        nextIndex = index;
        durableIndex = Math.min(durableIndex, index - 1);
    }

    /** Deletes the whole log durably; the next entry appended must have nextIndex. */
    void reset(long newNextIndex) throws IOException {
        buffer.clear();
        boolean deleted = !segments.isEmpty();
        while (!segments.isEmpty()) {
            LogSegment dropped = segments.remove(segments.size() - 1);
            dropped.close();
            io.delete(dropped.path);
        }
        if (deleted || directoryChanged) {
            io.syncDirectory(directory);
            directoryChanged = false;
        }
        afterSync = true;
        nextIndex = newNextIndex;
        durableIndex = newNextIndex - 1;
    }

    /**
     * Deletes, durably and oldest first, every segment whose entries are all at or below index. The segment being
     * appended to always stays.
     */
    void compactTo(long index) throws IOException {
        boolean deleted = false;
        while (segments.size() > 1 && segments.get(1).firstIndex <= index + 1) {
            LogSegment dropped = segments.remove(0);
            dropped.close();
            io.delete(dropped.path);
            deleted = true;
        }
        if (deleted) {
            io.syncDirectory(directory);
        }
    }

    @Override
    public void close() throws IOException {
        for (LogSegment segment : segments) {
            segment.close();
        }
    }

    private LogSegment current() {
        return segments.get(segments.size() - 1);
    }

    private LogSegment startSegment() throws IOException {
        Path path = directory.resolve(SegmentHeader.fileName(nextIndex));
        LogSegment segment = new LogSegment(path, nextIndex, 0);
        StorageFile file = segment.open(io);
        file.truncate(0);
        segments.add(segment);
        SegmentHeader.encode(nextIndex, buffer);
        directoryChanged = true;
        return segment;
    }

    /** Forces the current segment and starts the next: torn bytes can then only be in the new one. */
    private LogSegment roll() throws IOException {
        flushBuffer();
        LogSegment full = current();
        full.trimToSize();
        full.file().force();
        full.close();
        afterSync = true;
        return startSegment();
    }

    private void flushBuffer() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        LogSegment segment = current();
        buffer.flip();
        int bytes = buffer.remaining();
        segment.file().write(buffer, segment.size());
        segment.grew(bytes);
        buffer.clear();
        if (segment.size() == segment.allocated()) {
            preallocate(segment);
        }
    }

    /** Fills the segment's file with zeros up to PREALLOCATION_BYTES past its records, or to the segment size. */
    private void preallocate(LogSegment segment) throws IOException {
        long target = Math.min(segment.size() + PREALLOCATION_BYTES, options.segmentBytes());
        for (long at = segment.size(); at < target; ) {
            zeros.clear().limit((int) Math.min(ZEROS_BYTES, target - at));
            segment.file().write(zeros, at);
            at += zeros.limit();
        }
        segment.allocatedTo(target);
    }
}
