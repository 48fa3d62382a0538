package io.beacon.storage;

/**
 * Settings of a node's storage.
 *
 * @param segmentBytes     a log segment is closed and a new one started once the next batch would take it past
 *                         this size (a single larger entry still gets a segment of its own); default 64 MiB
 * @param maxEntryBytes    the largest entry payload accepted; recovery treats a record claiming more as damage,
 *                         so it must not shrink below what a log already holds; default 16 MiB
 * @param writeBufferBytes records are gathered in a buffer of this size and written in one call each time it
 *                         fills or a batch ends; default 1 MiB
 * @param snapshotsKept    complete snapshots kept on disk: the newest, and older ones still being sent to
 *                         followers; at least 1, default 2
 */
public record StorageOptions(long segmentBytes, int maxEntryBytes, int writeBufferBytes, int snapshotsKept) {
    /** Segments are read whole at recovery, so they must fit a buffer (with room to spare). */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;
    public static final StorageOptions DEFAULTS = new StorageOptions(64L << 20, 16 << 20, 1 << 20, 2);

    public StorageOptions {
        if (segmentBytes < SegmentHeader.BYTES + WalRecord.HEADER_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " must hold a record and be at most "
                    + MAX_SEGMENT_BYTES);
        }
        if (maxEntryBytes > MAX_SEGMENT_BYTES - SegmentHeader.BYTES - WalRecord.HEADER_BYTES) {
            throw new IllegalArgumentException("maxEntryBytes " + maxEntryBytes + " must fit in a segment");
        }
        if (maxEntryBytes < 0 || writeBufferBytes < WalRecord.HEADER_BYTES || snapshotsKept < 1) {
            throw new IllegalArgumentException("maxEntryBytes must not be negative, writeBufferBytes must hold a "
                    + "record header and snapshotsKept must be at least 1");
        }
    }

    public StorageOptions withSegmentBytes(long bytes) {
        return new StorageOptions(bytes, maxEntryBytes, writeBufferBytes, snapshotsKept);
    }

    public StorageOptions withMaxEntryBytes(int bytes) {
        return new StorageOptions(segmentBytes, bytes, writeBufferBytes, snapshotsKept);
    }

    public StorageOptions withWriteBufferBytes(int bytes) {
        return new StorageOptions(segmentBytes, maxEntryBytes, bytes, snapshotsKept);
    }
}
