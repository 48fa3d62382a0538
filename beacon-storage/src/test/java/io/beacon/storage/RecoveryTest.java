package io.beacon.storage;

import io.beacon.raft.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.beacon.storage.StorageTestSupport.append;
import static io.beacon.storage.StorageTestSupport.entries;
import static io.beacon.storage.StorageTestSupport.recovered;
import static io.beacon.storage.StorageTestSupport.setHardState;
import static io.beacon.storage.StorageTestSupport.snapshot;
import static io.beacon.storage.StorageTestSupport.takeSnapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damaged files on disk, one case each: a torn tail is cut and reported; anything else stops start-up with an
 * error naming the file and the offset, and the node never serves a silently shortened log.
 */
class RecoveryTest {
    private static final StorageOptions ONE_SEGMENT = StorageOptions.DEFAULTS;
    private static final StorageOptions SMALL_SEGMENTS = StorageOptions.DEFAULTS.withSegmentBytes(200);

    @TempDir
    Path directory;

    /** Three batches of five entries (1-5, 6-10, 11-15), each made durable on its own. */
    private void writeThreeBatches(StorageOptions options) throws Exception {
        try (RaftStorage storage = RaftStorage.open(directory, options, () -> 1)) {
            setHardState(storage, 2, 1);
            append(storage, entries(1, 5, 2));
            append(storage, entries(6, 10, 2));
            append(storage, entries(11, 15, 2));
        }
    }

    private RaftStorage reopen(StorageOptions options) throws Exception {
        return RaftStorage.open(directory, options, () -> 99);
    }

    private Path wal() {
        return directory.resolve(RaftStorage.WAL_DIRECTORY);
    }

    private Path segment(long firstIndex) {
        return wal().resolve(SegmentHeader.fileName(firstIndex));
    }

    /** Byte offsets of each record in a segment, in order (up to the zeros written ahead of them). */
    private static List<Long> recordOffsets(Path segment) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Long> offsets = new ArrayList<>();
        for (int offset = SegmentHeader.BYTES; offset + WalRecord.PREFIX_BYTES <= bytes.limit()
                && bytes.getInt(offset) != 0; offset += WalRecord.size(bytes, offset)) {
            offsets.add((long) offset);
        }
        return offsets;
    }

    /** Where a segment's records end: its zeros, if any, start there. */
    private static long recordsEnd(Path segment) throws Exception {
        List<Long> offsets = recordOffsets(segment);
        long last = offsets.get(offsets.size() - 1);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
        return last + WalRecord.size(bytes, (int) last);
    }

    private static boolean zerosFrom(Path file, long offset) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (long i = offset; i < bytes.length; i++) {
            if (bytes[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x10);
        }
    }

    private static void overwrite(Path file, long offset, byte[] bytes) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    private static void truncate(Path file, long bytesToCut) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - bytesToCut);
        }
    }

    /** Recovery kept entries 1-14 and reported one repair: the cut of record 15, at lastRecord in segment 1. */
    private void assertTheLastOfThreeBatchesLostItsLastRecord(RaftStorage storage, long lastRecord) {
        assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 14, 2));
        assertThat(storage.recoveryReport().repairs()).singleElement().satisfies(repair -> {
            assertThat(repair.file()).isEqualTo(segment(1));
            assertThat(repair.offset()).isEqualTo(lastRecord);
            assertThat(repair.action()).contains("cut a torn tail");
        });
    }

    @Test
    void aTornLastRecordIsCutReportedAndTheLogGoesOn() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        long lastRecord = recordOffsets(segment(1)).get(14);
        // The file stops inside the last record: the crash came before the record's last bytes, and the zeros
        // written ahead of them, reached the disk.
        truncate(segment(1), Files.size(segment(1)) - recordsEnd(segment(1)) + 3);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertTheLastOfThreeBatchesLostItsLastRecord(storage, lastRecord);
            append(storage, entries(15, 16, 2));
        }
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 16, 2));
            assertThat(storage.recoveryReport().repairs()).isEmpty();
        }
    }

    @Test
    void aLastRecordTornOverTheZerosWrittenAheadIsCutAndReported() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        long lastRecord = recordOffsets(segment(1)).get(14);
        overwrite(segment(1), recordsEnd(segment(1)) - 3, new byte[3]);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertTheLastOfThreeBatchesLostItsLastRecord(storage, lastRecord);
        }
    }

    @Test
    void theZerosWrittenAheadOfTheRecordsAreTheLogsEndNotDamage() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        long end = recordsEnd(segment(1));
        assertThat(Files.size(segment(1))).as("a mebibyte of zeros was written after the first batch")
                .isEqualTo(recordOffsets(segment(1)).get(5) + SegmentedLog.PREALLOCATION_BYTES);
        assertThat(zerosFrom(segment(1), end)).isTrue();
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 15, 2));
            assertThat(storage.recoveryReport().repairs()).isEmpty();
            append(storage, entries(16, 17, 2));
        }
        assertThat(recordOffsets(segment(1))).hasSize(17).first().isEqualTo((long) SegmentHeader.BYTES);
        assertThat(recordOffsets(segment(1)).get(15)).as("written where the records ended, over the zeros")
                .isEqualTo(end);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 17, 2));
            assertThat(storage.recoveryReport().repairs()).isEmpty();
        }
    }

    @Test
    void aSegmentIsCutToItsRecordsBeforeTheNextStartsAndNoneGrowsPastTheSegmentSize() throws Exception {
        writeThreeBatches(SMALL_SEGMENTS);
        List<Path> segments;
        try (var files = Files.list(wal())) {
            segments = files.sorted().toList();
        }
        assertThat(segments).hasSizeGreaterThan(2);
        for (Path segment : segments.subList(0, segments.size() - 1)) {
            assertThat(Files.size(segment)).as(segment.toString()).isEqualTo(recordsEnd(segment));
        }
        Path last = segments.get(segments.size() - 1);
        assertThat(Files.size(last)).isGreaterThan(recordsEnd(last)).isEqualTo(SMALL_SEGMENTS.segmentBytes());
    }

    @Test
    void zerosAfterTheRecordsOfASegmentBeforeTheLastStopStartUp() throws Exception {
        writeThreeBatches(SMALL_SEGMENTS);
        Path first = segment(1);
        long end = Files.size(first);
        overwrite(first, end, new byte[16]);
        assertThatThrownBy(() -> reopen(SMALL_SEGMENTS))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(first);
                    assertThat(e.offset()).isEqualTo(end);
                })
                .hasMessageContaining("not the last");
    }

    @Test
    void aBitFlippedInTheLastBatchIsATornTail() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        long record13 = recordOffsets(segment(1)).get(12);
        flipByte(segment(1), record13 + 30);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 12, 2));
            assertThat(storage.recoveryReport().repairs()).singleElement()
                    .satisfies(repair -> assertThat(repair.offset()).isEqualTo(record13));
        }
    }

    @Test
    void aFlippedByteBeforeTheLastBatchStopsStartUpNamingFileAndOffset() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        long record3 = recordOffsets(segment(1)).get(2);
        flipByte(segment(1), record3 + 28);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment(1));
                    assertThat(e.offset()).isEqualTo(record3);
                })
                .hasMessageContaining(segment(1).toString())
                .hasMessageContaining("offset " + record3)
                .hasMessageContaining("checksum mismatch");
        assertThat(Files.size(segment(1))).as("nothing was cut").isGreaterThan(record3 + 100);
    }

    @Test
    void aTruncatedSegmentBeforeTheLastStopsStartUp() throws Exception {
        writeThreeBatches(SMALL_SEGMENTS);
        Path first = segment(1);
        long size = Files.size(first);
        truncate(first, 10);
        assertThatThrownBy(() -> reopen(SMALL_SEGMENTS))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(first);
                    assertThat(e.offset()).isBetween(SegmentHeader.BYTES + 0L, size - 10);
                })
                .hasMessageContaining("not the last");
    }

    @Test
    void aMissingSegmentIsAGapThatStopsStartUp() throws Exception {
        writeThreeBatches(SMALL_SEGMENTS);
        List<Path> segments;
        try (var files = Files.list(wal())) {
            segments = files.sorted().toList();
        }
        assertThat(segments).hasSizeGreaterThan(2);
        Files.delete(segments.get(1));
        assertThatThrownBy(() -> reopen(SMALL_SEGMENTS))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(segments.get(2));
                    assertThat(e.offset()).isZero();
                })
                .hasMessageContaining("but the segment before it ends at index");
    }

    @Test
    void aWrongMagicNumberInASegmentStopsStartUpEvenInTheLastSegment() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        overwrite(segment(1), 0, "JUNK".getBytes());
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isZero())
                .hasMessageContaining("wrong magic number 0x4a554e4b");
        assertThat(Files.exists(segment(1))).isTrue();
    }

    @Test
    void anUnknownSegmentVersionStopsStartUp() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
        SegmentHeader.encode(1, header);
        header.putInt(4, 2);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header.array(), 0, 16);
        header.putInt(16, (int) crc.getValue());
        overwrite(segment(1), 0, header.array());
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isEqualTo(4))
                .hasMessageContaining("unsupported segment format version 2");
    }

    @Test
    void aLastSegmentWithATornHeaderIsRemoved() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        // A crash in the middle of starting the next segment; the one before it was cut to its records first.
        truncate(segment(1), Files.size(segment(1)) - recordsEnd(segment(1)));
        Path torn = segment(16);
        Files.write(torn, new byte[] {0x42, 0x57, 0x41});
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 15, 2));
            assertThat(storage.recoveryReport().repairs()).singleElement()
                    .satisfies(repair -> assertThat(repair.file()).isEqualTo(torn));
        }
        assertThat(Files.exists(torn)).isFalse();
    }

    @Test
    void garbageInTheHardStateStopsStartUp() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        Path meta = directory.resolve(HardStateFile.NAME);
        byte[] garbage = new byte[HardStateFile.BYTES];
        new java.util.Random(5).nextBytes(garbage);
        Files.write(meta, garbage);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(meta);
                    assertThat(e.offset()).isZero();
                })
                .hasMessageContaining("not a Beacon hard state file");
    }

    @Test
    void aFlippedByteInTheHardStateStopsStartUp() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        Path meta = directory.resolve(HardStateFile.NAME);
        flipByte(meta, 20);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isEqualTo(32))
                .hasMessageContaining("hard state checksum mismatch");
    }

    @Test
    void aShortHardStateStopsStartUp() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        Path meta = directory.resolve(HardStateFile.NAME);
        truncate(meta, 26);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isEqualTo(10))
                .hasMessageContaining("hard state file is 10 bytes long, expected 36");
    }

    @Test
    void anUnknownHardStateVersionStopsStartUp() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        overwrite(directory.resolve(HardStateFile.NAME), 4, new byte[] {0, 0, 0, 9});
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isEqualTo(4))
                .hasMessageContaining("unsupported hard state format version 9");
    }

    @Test
    void aMissingHardStateBesideALogStopsStartUpRatherThanMintingANewIdentity() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        Files.delete(directory.resolve(HardStateFile.NAME));
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("hard state file is missing although the directory holds a log");
    }

    @Test
    void aLeftoverHardStateTempFileIsRemoved() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        Files.write(directory.resolve(HardStateFile.TEMP_NAME), new byte[] {1, 2});
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).hardState().term()).isEqualTo(2);
            assertThat(storage.recoveryReport().repairs()).singleElement()
                    .satisfies(repair -> assertThat(repair.file().getFileName().toString()).isEqualTo("meta.tmp"));
        }
    }

    private Path writeSnapshotAt10() throws Exception {
        writeThreeBatches(ONE_SEGMENT);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            takeSnapshot(storage, snapshot(10, 2), RaftStorageTest.randomBytes(5000));
        }
        try (var dirs = Files.list(directory.resolve(RaftStorage.SNAPSHOT_DIRECTORY))) {
            return dirs.findFirst().orElseThrow();
        }
    }

    @Test
    void aFlippedByteInASnapshotStopsStartUp() throws Exception {
        Path snapshot = writeSnapshotAt10();
        Path state = snapshot.resolve(SnapshotStore.STATE);
        flipByte(state, 1234);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.file()).isEqualTo(state))
                .hasMessageContaining("snapshot state checksum mismatch over 5000 bytes");
    }

    @Test
    void aTruncatedSnapshotStopsStartUp() throws Exception {
        Path snapshot = writeSnapshotAt10();
        Path state = snapshot.resolve(SnapshotStore.STATE);
        truncate(state, 1000);
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> assertThat(e.offset()).isEqualTo(4000))
                .hasMessageContaining("snapshot state is 4000 bytes but its meta says 5000");
    }

    @Test
    void aSnapshotMetaOfAnotherFormatStopsStartUp() throws Exception {
        Path snapshot = writeSnapshotAt10();
        Path meta = snapshot.resolve(SnapshotStore.META);
        overwrite(meta, 0, "JUNK".getBytes());
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(meta);
                    assertThat(e.offset()).isZero();
                })
                .hasMessageContaining("not a Beacon snapshot");
    }

    @Test
    void anUnfinishedSnapshotIsRemovedAndTheOneBeforeItServes() throws Exception {
        writeSnapshotAt10();
        Path unfinished = directory.resolve(RaftStorage.SNAPSHOT_DIRECTORY).resolve("tmp-3");
        Files.createDirectories(unfinished);
        Files.write(unfinished.resolve(SnapshotStore.STATE), new byte[100]);
        try (RaftStorage storage = reopen(ONE_SEGMENT)) {
            assertThat(recovered(storage).snapshot()).isEqualTo(snapshot(10, 2));
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(11, 15, 2));
            assertThat(storage.recoveryReport().repairs()).singleElement()
                    .satisfies(repair -> assertThat(repair.file()).isEqualTo(unfinished));
        }
        assertThat(Files.exists(unfinished)).isFalse();
    }

    @Test
    void aLogThatStartsAfterTheSnapshotEndsStopsStartUp() throws Exception {
        try (RaftStorage storage = RaftStorage.open(directory, SMALL_SEGMENTS, () -> 1)) {
            setHardState(storage, 2, 1);
            append(storage, entries(1, 100, 2));
        }
        try (var files = Files.list(wal())) {
            Files.delete(files.sorted().findFirst().orElseThrow());
        }
        assertThatThrownBy(() -> reopen(SMALL_SEGMENTS))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("but there is no snapshot: entries are missing");
    }

    @Test
    void aLogTermBeyondTheHardStateStopsStartUp() throws Exception {
        try (RaftStorage storage = RaftStorage.open(directory, ONE_SEGMENT, () -> 1)) {
            setHardState(storage, 2, 1);
            List<Entry> later = entries(1, 3, 5);
            append(storage, later);
        }
        assertThatThrownBy(() -> reopen(ONE_SEGMENT))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("hard state term 2 is behind the log's last term 5");
    }
}
