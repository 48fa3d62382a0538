package io.beacon.node;

import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.raft.SnapshotMetadata;
import io.beacon.raft.StateMachine;
import io.beacon.storage.RaftStorage;
import io.beacon.storage.StorageOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The apply thread and the thread that writes snapshots beside it. */
class ApplierTest {
    private static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path directory;
    private RaftStorage storage;
    private Applier applier;

    @AfterEach
    void stop() throws Exception {
        if (applier != null) {
            applier.stop();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void entriesGoOnBeingAppliedWhileASnapshotIsWrittenAndTheSnapshotHoldsTheStateItWasTakenIn() throws Exception {
        storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 1L);
        CountDownLatch writeMayFinish = new CountDownLatch(1);
        RecordingMachine recording = new RecordingMachine();
        StateMachine machine = new HeldWhileWriting(recording, writeMayFinish);
        CompletableFuture<Long> snapshotTaken = new CompletableFuture<>();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        SnapshotMetadata start = new SnapshotMetadata(0, 0, Configuration.of(List.of(1L, 2L, 3L)));
        applier = new Applier(machine, storage, new Proposals(), start, snapshotTaken::complete, failed::complete);
        applier.start();

        applier.submit(new Applier.Apply(commands(1, 3)));
        applier.submit(new Applier.TakeSnapshot());
        applier.submit(new Applier.Apply(commands(4, 6)));
        CompletableFuture<Long> readOfSix = new CompletableFuture<>();
        applier.submit(new Applier.Read(6, readOfSix));

        assertThat(readOfSix.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                .as("entries 4-6 were applied while the snapshot was still being written").isEqualTo(6);
        assertThat(snapshotTaken).as("the core hears of the snapshot only once it is written").isNotDone();

        writeMayFinish.countDown();
        assertThat(snapshotTaken.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(3);
        assertThat(storage.latestSnapshot().index()).isEqualTo(3);
        assertThat(storage.latestSnapshot().configuration()).isEqualTo(start.configuration());
        RecordingMachine restored = new RecordingMachine();
        try (InputStream in = storage.openSnapshot(3)) {
            restored.restoreSnapshot(in, 3);
        }
        assertThat(restored.commands()).containsExactly("c1", "c2", "c3");
        assertThat(failed).isNotDone();
    }

    private static List<Entry> commands(long from, long to) {
        List<Entry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(Entry.command(index, 1, ("c" + index).getBytes(StandardCharsets.UTF_8)));
        }
        return entries;
    }

    /** A state machine whose frozen states are not written until the test lets them. */
    private record HeldWhileWriting(StateMachine machine, CountDownLatch writeMayFinish) implements StateMachine {
        @Override
        public Object apply(Entry entry) {
            return machine.apply(entry);
        }

        @Override
        public long appliedIndex() {
            return machine.appliedIndex();
        }

        @Override
        public FrozenState freeze() {
            FrozenState frozen = machine.freeze();
            return (OutputStream out) -> {
                try {
                    if (!writeMayFinish.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                        throw new java.io.IOException("the test never let the snapshot be written");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
                frozen.writeTo(out);
            };
        }

        @Override
        public void restoreSnapshot(InputStream in, long index) throws java.io.IOException {
            machine.restoreSnapshot(in, index);
        }
    }
}
