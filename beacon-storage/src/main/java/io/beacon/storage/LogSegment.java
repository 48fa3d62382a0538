package io.beacon.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One segment file of the write-ahead log, open for appending: where each of its records starts and its term,
 * so that the log can be cut at any index and asked the term of any entry it holds without reading the disk.
 */
final class LogSegment {
    final Path path;
    final long firstIndex;
    /** Open only while this is the segment being appended to. */
    private StorageFile file;
    private final LongList offsets = new LongList();
    private final LongList terms = new LongList();
    /** Bytes of the header and records, including those written but not yet forced: where the next record goes. */
    private long size;
    /** The file's length: size, then zeros written ahead of the records (see {@link SegmentedLog}). */
    private long allocated;

    LogSegment(Path path, long firstIndex, long size) {
        this.path = path;
        this.firstIndex = firstIndex;
        this.size = size;
        this.allocated = size;
    }

    StorageFile open(StorageIo io) throws IOException {
        if (file == null) {
            file = io.open(path);
        }
        return file;
    }

    StorageFile file() {
        if (file == null) {
            throw new IllegalStateException("segment " + path + " is not open");
        }
        return file;
    }

    void recordAppended(long offset, long term) {
        offsets.add(offset);
        terms.add(term);
    }

    int entryCount() {
        return offsets.size();
    }

    /** The last index held, or firstIndex - 1 if the segment holds no record yet. */
    long lastIndex() {
        return firstIndex + offsets.size() - 1;
    }

    boolean contains(long index) {
        return index >= firstIndex && index <= lastIndex();
    }

    long term(long index) {
        return terms.get((int) (index - firstIndex));
    }

    long offsetOf(long index) {
        return offsets.get((int) (index - firstIndex));
    }

    long size() {
        return size;
    }

    void grew(long bytes) {
        size += bytes;
        allocated = Math.max(allocated, size);
    }

    long allocated() {
        return allocated;
    }

    /** Records that the file is this long, its bytes past {@link #size()} zeros. */
    void allocatedTo(long length) {
        allocated = Math.max(length, size);
    }

    /** Cuts the zeros written ahead of the records off the file (not yet durable). */
    void trimToSize() throws IOException {
        if (allocated > size) {
            file().truncate(size);
            allocated = size;
        }
    }

    /** Forgets the records from index on, and cuts the file there (not yet durable). */
    void truncateFrom(long index) throws IOException {
        long offset = index > lastIndex() ? size : offsetOf(index);
        int keep = (int) (index - firstIndex);
        if (keep < offsets.size()) {
            offsets.truncate(keep);
            terms.truncate(keep);
        }
        file().truncate(offset);
        size = offset;
        allocated = offset;
    }

    void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }
}
