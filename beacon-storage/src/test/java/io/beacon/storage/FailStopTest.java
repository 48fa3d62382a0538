package io.beacon.storage;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.beacon.storage.StorageTestSupport.append;
import static io.beacon.storage.StorageTestSupport.entries;
import static io.beacon.storage.StorageTestSupport.entry;
import static io.beacon.storage.StorageTestSupport.recovered;
import static io.beacon.storage.StorageTestSupport.setHardState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failed fsync or write stops the storage for good: the write that hit it and every later one fail, the
 * failure listener hears of it, and nothing is ever reported durable that the disk did not confirm.
 */
class FailStopTest {
    private static final Path ROOT = Path.of("/node");

    @Test
    void aFailedFsyncFailsTheWriteAndEveryLaterOne() throws Exception {
        CrashableDisk disk = new CrashableDisk();
        AtomicReference<StorageFailedException> heard = new AtomicReference<>();
        try (RaftStorage storage = RaftStorage.open(disk, ROOT, StorageOptions.DEFAULTS, () -> 1)) {
            storage.onFailure(heard::set);
            setHardState(storage, 1, 1);
            assertThat(append(storage, entries(1, 10, 1))).isEqualTo(10);

            disk.failForce(true);
            CompletableFuture<Long> failed = storage.write(null, List.of(), entries(11, 12, 1));
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("injected fsync failure");
            assertThat(storage.failure()).isNotNull();
            assertThat(heard.get()).isSameAs(storage.failure());

            disk.failForce(false);
            CompletableFuture<Long> later = storage.write(null, List.of(), entries(11, 12, 1));
            assertThat(later).as("no retry after a failed fsync, even once the disk recovers")
                    .isCompletedExceptionally();
            assertThatThrownBy(() -> later.get()).hasCauseInstanceOf(StorageFailedException.class);
            assertThat(storage.compactLog(5)).isCompletedExceptionally();
        }
        disk.crash(new java.util.Random(1));
        disk.powerOn();
        try (RaftStorage storage = RaftStorage.open(disk, ROOT, StorageOptions.DEFAULTS, () -> 2)) {
            assertThat(recovered(storage).entries()).as("what was confirmed durable")
                    .startsWith(entries(1, 10, 1).toArray(new io.beacon.raft.Entry[0]));
        }
    }

    @Test
    void aFailedWriteFailsTheWriteAndEveryLaterOne() throws Exception {
        CrashableDisk disk = new CrashableDisk();
        try (RaftStorage storage = RaftStorage.open(disk, ROOT, StorageOptions.DEFAULTS, () -> 1)) {
            setHardState(storage, 1, 1);
            append(storage, entries(1, 3, 1));
            disk.failWrites(true);
            CompletableFuture<Long> failed = storage.write(null, List.of(), List.of(entry(4, 1)));
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("No space left on device");
            disk.failWrites(false);
            assertThat(storage.write(null, List.of(), List.of(entry(4, 1)))).isCompletedExceptionally();
        }
    }

    @Test
    void aFailedHardStateWriteIsNeverReportedDurable() throws Exception {
        CrashableDisk disk = new CrashableDisk();
        try (RaftStorage storage = RaftStorage.open(disk, ROOT, StorageOptions.DEFAULTS, () -> 1)) {
            setHardState(storage, 1, 1);
            disk.failForce(true);
            assertThatThrownBy(() -> setHardState(storage, 2, 2))
                    .hasCauseInstanceOf(StorageFailedException.class);
        }
        disk.crash(new java.util.Random(2));
        disk.powerOn();
        try (RaftStorage storage = RaftStorage.open(disk, ROOT, StorageOptions.DEFAULTS, () -> 2)) {
            assertThat(recovered(storage).hardState().term()).isEqualTo(1);
        }
    }

    @Test
    void writesAfterCloseAreRefusedRatherThanLost() throws Exception {
        RaftStorage storage = RaftStorage.open(new CrashableDisk(), ROOT, StorageOptions.DEFAULTS, () -> 1);
        storage.close();
        assertThatThrownBy(() -> storage.write(null, List.of(), List.of(entry(1, 1))).get())
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("storage is closed");
    }
}
