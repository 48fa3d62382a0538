package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import io.beacon.raft.SnapshotMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.beacon.storage.StorageTestSupport.append;
import static io.beacon.storage.StorageTestSupport.entries;
import static io.beacon.storage.StorageTestSupport.entry;
import static io.beacon.storage.StorageTestSupport.recovered;
import static io.beacon.storage.StorageTestSupport.receiveSnapshot;
import static io.beacon.storage.StorageTestSupport.setHardState;
import static io.beacon.storage.StorageTestSupport.snapshot;
import static io.beacon.storage.StorageTestSupport.takeSnapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storage on the real disk: what is written reads back after a restart, in every shape the core asks for. */
class RaftStorageTest {
    private static final StorageOptions SMALL_SEGMENTS = StorageOptions.DEFAULTS.withSegmentBytes(1024);

    @TempDir
    Path directory;

    private RaftStorage open(StorageOptions options) throws Exception {
        return RaftStorage.open(directory, options, () -> 42);
    }

    @Test
    void aNewDirectoryGetsAMemberIdentityThatSurvivesRestarts() throws Exception {
        try (RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 7)) {
            assertThat(storage.memberId()).isEqualTo(7);
            assertThat(recovered(storage).hardState()).isEqualTo(HardState.INITIAL);
            assertThat(recovered(storage).entries()).isEmpty();
        }
        try (RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 8)) {
            assertThat(storage.memberId()).as("identity comes from the disk, not the supplier").isEqualTo(7);
        }
    }

    @Test
    void aWipedDirectoryComesBackAsANewIncarnation() throws Exception {
        try (RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 7)) {
            setHardState(storage, 3, 7);
        }
        wipe(directory);
        try (RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 9)) {
            assertThat(storage.memberId()).isEqualTo(9);
            assertThat(recovered(storage).hardState()).isEqualTo(HardState.INITIAL);
        }
    }

    @Test
    void entriesAndHardStateReadBackAcrossSegments() throws Exception {
        List<Entry> written = entries(1, 200, 2);
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 2, 1);
            assertThat(append(storage, written.subList(0, 150))).isEqualTo(150);
            assertThat(append(storage, written.subList(150, 200))).isEqualTo(200);
        }
        assertThat(segmentCount()).isGreaterThan(5);
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            PersistentState state = recovered(storage);
            assertThat(state.hardState()).isEqualTo(new HardState(2, 1));
            assertThat(state.entries()).containsExactlyElementsOf(written);
            assertThat(storage.recoveryReport().repairs()).isEmpty();
            assertThat(append(storage, List.of(entry(201, 2)))).as("appends go on after a restart").isEqualTo(201);
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            assertThat(recovered(storage).entries()).hasSize(201);
        }
    }

    @Test
    void aConflictingSuffixIsReplacedEvenAcrossSegments() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 3, 0);
            append(storage, entries(1, 100, 2));
            List<Entry> replacement = entries(40, 45, 3);
            assertThat(append(storage, replacement)).as("the durable index is the new end").isEqualTo(45);
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            List<Entry> expected = new ArrayList<>(entries(1, 39, 2));
            expected.addAll(entries(40, 45, 3));
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theWholeLogCanBeReplacedFromItsFirstIndex() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 3, 0);
            append(storage, entries(1, 30, 2));
            append(storage, entries(1, 5, 3));
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(1, 5, 3));
        }
    }

    @Test
    void entriesThatDoNotFollowTheLogStopTheStorage() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            append(storage, entries(1, 3, 1));
            assertThatThrownBy(() -> append(storage, List.of(entry(7, 1))))
                    .hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("entry 7 does not follow the log, which ends at 3");
            assertThat(storage.failure()).isNotNull();
        }
    }

    @Test
    void compactionDeletesWholeSegmentsBelowTheSnapshotOnly() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 2, 0);
            append(storage, entries(1, 300, 2));
            int before = segmentCount();
            storage.compactLog(250).get();
            assertThat(segmentCount()).as("no snapshot yet: nothing may go").isEqualTo(before);
            takeSnapshot(storage, snapshot(200, 2), new byte[] {1, 2, 3});
            storage.compactLog(250).get();
            assertThat(segmentCount()).isLessThan(before);
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            PersistentState state = recovered(storage);
            assertThat(state.snapshot()).isEqualTo(snapshot(200, 2));
            assertThat(state.entries()).containsExactlyElementsOf(entries(201, 300, 2));
            try (InputStream in = storage.openSnapshot(200)) {
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void aReceivedSnapshotKeepsTheLogAfterItWhenTheLogHoldsItsEntry() throws Exception {
        byte[] state = randomBytes(100_000);
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 2, 0);
            append(storage, entries(1, 50, 2));
            receiveSnapshot(storage, snapshot(40, 2), state, 4096);
            assertThat(storage.latestSnapshot()).isEqualTo(snapshot(40, 2));
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            assertThat(recovered(storage).snapshot()).isEqualTo(snapshot(40, 2));
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(41, 50, 2));
            assertThat(storage.readSnapshotChunk(40, 1000, 500))
                    .containsExactly(java.util.Arrays.copyOfRange(state, 1000, 1500));
            assertThat(storage.snapshotSize(40)).isEqualTo(state.length);
        }
    }

    @Test
    void aReceivedSnapshotReplacesALogThatDisagreesWithIt() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 4, 0);
            append(storage, entries(1, 50, 2));
            receiveSnapshot(storage, snapshot(40, 3), randomBytes(10), 4);
            append(storage, entries(41, 42, 4));
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            assertThat(recovered(storage).snapshot()).isEqualTo(snapshot(40, 3));
            assertThat(recovered(storage).entries()).containsExactlyElementsOf(entries(41, 42, 4));
        }
    }

    @Test
    void aReceivedSnapshotBeyondTheLogReplacesIt() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 4, 0);
            append(storage, entries(1, 10, 2));
            receiveSnapshot(storage, snapshot(500, 4), randomBytes(3000), 1000);
        }
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            assertThat(recovered(storage).snapshot()).isEqualTo(snapshot(500, 4));
            assertThat(recovered(storage).entries()).isEmpty();
            assertThat(append(storage, entries(501, 502, 4))).isEqualTo(502);
        }
    }

    @Test
    void aRestartedChunkStreamStartsTheSnapshotOver() throws Exception {
        byte[] state = randomBytes(5000);
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 4, 0);
            storage.write(null, List.of(new io.beacon.raft.SnapshotChunk(snapshot(100, 4), 0,
                    java.util.Arrays.copyOf(state, 1000), false)), List.of()).get();
            receiveSnapshot(storage, snapshot(100, 4), state, 700);
            try (InputStream in = storage.openSnapshot(100)) {
                assertThat(in.readAllBytes()).containsExactly(state);
            }
        }
    }

    @Test
    void onlyTheConfiguredNumberOfSnapshotsIsKept() throws Exception {
        try (RaftStorage storage = open(SMALL_SEGMENTS)) {
            setHardState(storage, 2, 0);
            append(storage, entries(1, 40, 2));
            for (long index = 10; index <= 40; index += 10) {
                takeSnapshot(storage, snapshot(index, 2), new byte[] {(byte) index});
            }
            assertThat(Files.list(directory.resolve(RaftStorage.SNAPSHOT_DIRECTORY)).count()).isEqualTo(2);
            assertThat(storage.readSnapshotChunk(30, 0, 10)).containsExactly(30);
            assertThatThrownBy(() -> storage.readSnapshotChunk(20, 0, 10)).hasMessageContaining("no snapshot at");
        }
    }

    @Test
    void groupCommitGathersConcurrentWritesIntoFewFsyncs() throws Exception {
        CrashableDisk disk = new CrashableDisk();
        Path root = Path.of("/data");
        try (RaftStorage storage = RaftStorage.open(disk, root, StorageOptions.DEFAULTS, () -> 1)) {
            long before = disk.forces();
            List<java.util.concurrent.CompletableFuture<Long>> futures = new ArrayList<>();
            for (long index = 1; index <= 2000; index++) {
                futures.add(storage.write(null, List.of(), List.of(entry(index, 1))));
            }
            long previous = 0;
            for (var future : futures) {
                long durable = future.get();
                assertThat(durable).isGreaterThanOrEqualTo(previous);
                previous = durable;
            }
            assertThat(previous).isEqualTo(2000);
            assertThat(disk.forces() - before).as("fsyncs for 2000 writes").isLessThan(2000);
        }
    }

    private int segmentCount() throws Exception {
        try (var files = Files.list(directory.resolve(RaftStorage.WAL_DIRECTORY))) {
            return (int) files.count();
        }
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static void wipe(Path directory) throws Exception {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!path.equals(directory)) {
                    Files.delete(path);
                }
            }
        }
    }

}
