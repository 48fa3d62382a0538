package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import io.beacon.raft.Ready;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A Raft member's disk: the write-ahead log ({@code wal/}), the hard state with the member's identity
 * ({@code meta}) and snapshots ({@code snapshots/}) under one directory.
 *
 * <p>{@link #open} recovers the directory and hands back what the {@link io.beacon.raft.RaftNode} restarts from.
 * {@link #write} then persists each {@link Ready} in the order the core requires — hard state, snapshot chunks,
 * entries — on one storage thread that gathers every write waiting into a single fsync (group commit); each
 * write's future completes, with the last durable log index, once it and everything before it is durable.
 *
 * <p>Fail-stop: when a write, cut or fsync fails, every waiting and later write fails with
 * {@link StorageFailedException} and the failure listener is told; the storage never carries on as though the
 * data were durable.
 */
public final class RaftStorage implements AutoCloseable {
    public static final String WAL_DIRECTORY = "wal";
    public static final String SNAPSHOT_DIRECTORY = "snapshots";
    private static final Logger LOG = LoggerFactory.getLogger(RaftStorage.class);

    private final SegmentedLog log;
    private final HardStateFile hardStateFile;
    private final SnapshotStore snapshots;
    private final long memberId;
    /** Handed over once and then dropped, so that the storage does not pin a whole log in memory. */
    private PersistentState recovered;
    private final RecoveryReport report;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Consumer<StorageFailedException> failureListener = failure -> { };
    private volatile StorageFailedException failure;
    private volatile boolean closed;
    /** Touched only by the storage thread. */
    private HardState hardState;
    private SnapshotStore.Writer receiving;

    private RaftStorage(SegmentedLog log, HardStateFile hardStateFile, SnapshotStore snapshots, long memberId,
                        PersistentState recovered, RecoveryReport report) {
        this.log = log;
        this.hardStateFile = hardStateFile;
        this.snapshots = snapshots;
        this.memberId = memberId;
        this.recovered = recovered;
        this.report = report;
        this.hardState = recovered.hardState();
        this.thread = new Thread(this::run, "beacon-storage");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Opens (recovering) or creates the storage in a directory of the real disk. */
    public static RaftStorage open(Path directory, StorageOptions options, LongSupplier newMemberId)
            throws IOException {
        return open(FileChannelIo.INSTANCE, directory, options, newMemberId);
    }

    /**
     * Opens the storage in directory through io. A directory without data gets a new member id from
     * newMemberId, recorded at once: a wiped directory therefore always comes back as a new incarnation.
     *
     * @throws CorruptStorageException if anything but a torn tail is damaged; the node must not start
     */
    public static RaftStorage open(StorageIo io, Path directory, StorageOptions options, LongSupplier newMemberId)
            throws IOException {
        List<RecoveryReport.Repair> repairs = new ArrayList<>();
        io.createDirectories(directory);
        Path walDirectory = directory.resolve(WAL_DIRECTORY);
        Path snapshotDirectory = directory.resolve(SNAPSHOT_DIRECTORY);
        HardStateFile.Stored stored = HardStateFile.read(io, directory, repairs);
        if (stored == null) {
            if (holdsAnything(io, walDirectory) || holdsAnything(io, snapshotDirectory)) {
                throw new CorruptStorageException(directory.resolve(HardStateFile.NAME), 0, "the hard state file is "
                        + "missing although the directory holds a log or snapshots");
            }
            stored = new HardStateFile.Stored(newMemberId.getAsLong(), HardState.INITIAL);
            HardStateFile.of(io, directory, stored.memberId()).write(stored.hardState());
            LOG.info("new member identity memberId={} directory={}", stored.memberId(), directory);
        }
        SnapshotStore snapshots = SnapshotStore.open(io, snapshotDirectory, options.snapshotsKept(), repairs);
        SegmentedLog.Opened opened = SegmentedLog.open(io, walDirectory, options, repairs);
        SegmentedLog log = opened.log();
        List<Entry> entries = opened.entries();
        SnapshotMetadata snapshot = snapshots.latest();
        try {
            entries = reconcile(log, entries, snapshot, walDirectory, repairs);
            checkTerms(stored, entries, snapshot, directory);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        PersistentState recovered = new PersistentState(stored.hardState(), snapshot, entries);
        return new RaftStorage(log, HardStateFile.of(io, directory, stored.memberId()), snapshots,
                stored.memberId(), recovered, new RecoveryReport(repairs));
    }

    private static boolean holdsAnything(StorageIo io, Path directory) throws IOException {
        return io.isDirectory(directory) && !io.list(directory).isEmpty();
    }

    /**
     * Applies the snapshot rule of §5 to what recovery found: the log continues the newest snapshot if it holds
     * the snapshot's last entry with the same term; a log the snapshot covers entirely or contradicts is what an
     * install left behind when it crashed, and is discarded. Returns the entries after the snapshot.
     */
    private static List<Entry> reconcile(SegmentedLog log, List<Entry> entries, SnapshotMetadata snapshot,
                                         Path walDirectory, List<RecoveryReport.Repair> repairs) throws IOException {
        long snapshotIndex = snapshot == null ? 0 : snapshot.index();
        if (entries.isEmpty()) {
            if (log.firstIndex() != snapshotIndex + 1) {
                log.reset(snapshotIndex + 1);
            }
            return entries;
        }
        if (log.firstIndex() > snapshotIndex + 1) {
            throw new CorruptStorageException(walDirectory.resolve(SegmentHeader.fileName(log.firstIndex())), 0,
                    "the log starts at index " + log.firstIndex() + " but "
                            + (snapshot == null ? "there is no snapshot" : "the newest snapshot ends at index "
                            + snapshotIndex) + ": entries are missing");
        }
        if (snapshot == null) {
            return entries;
        }
        if (!log.follows(snapshotIndex, snapshot.term())) {
            String action = "discarded the log (indexes " + log.firstIndex() + " to " + log.lastIndex() + "), which "
                    + (log.lastIndex() < snapshotIndex ? "the snapshot at " + snapshotIndex + " covers"
                    : "disagrees with the snapshot at " + snapshotIndex + " on its term");
            RecoveryReport.Repair repair = new RecoveryReport.Repair(walDirectory, 0, action);
            LOG.warn("wal recovery {}", repair);
            repairs.add(repair);
            log.reset(snapshotIndex + 1);
            return List.of();
        }
        int firstAfter = (int) (snapshotIndex + 1 - log.firstIndex());
        return new ArrayList<>(entries.subList(firstAfter, entries.size()));
    }

    /** A term in the log or a snapshot beyond the hard state's could only come from damage (or a foreign file). */
    private static void checkTerms(HardStateFile.Stored stored, List<Entry> entries, SnapshotMetadata snapshot,
                                   Path directory) {
        long lastTerm = !entries.isEmpty() ? entries.get(entries.size() - 1).term()
                : snapshot != null ? snapshot.term() : 0;
        if (lastTerm > stored.hardState().term()) {
            throw new CorruptStorageException(directory.resolve(HardStateFile.NAME), 16, "hard state term "
                    + stored.hardState().term() + " is behind the log's last term " + lastTerm);
        }
    }

    /** This member's identity: the same for the life of the data directory, new when it is wiped. */
    public long memberId() {
        return memberId;
    }

    /**
     * What the node restarts from: hard state, newest snapshot and the log entries after it. Handed over once:
     * a second call fails, as the storage keeps no copy of the log.
     */
    public synchronized PersistentState recoveredState() {
        PersistentState state = recovered;
        if (state == null) {
            throw new IllegalStateException("the recovered state was already handed over");
        }
        recovered = null;
        return state;
    }

    /** What recovery repaired (torn tails and the like), each also logged at WARN. */
    public RecoveryReport recoveryReport() {
        return report;
    }

    /** Called once, on the storage thread, when the storage fails and stops. */
    public void onFailure(Consumer<StorageFailedException> listener) {
        this.failureListener = listener;
    }

    /** The failure that stopped the storage, or null while it works. */
    public StorageFailedException failure() {
        return failure;
    }

    /** Persists what a Ready asks to be persisted. */
    public CompletableFuture<Long> write(Ready ready) {
        return write(ready.hardState(), ready.snapshotChunks(), ready.entries());
    }

    /**
     * Persists, in this order: the hard state (if not null), snapshot chunks (when the last one arrives the
     * snapshot is installed and the log kept after it only if it holds the snapshot's entry, §5), then entries,
     * which replace any logged from the first one's index on. The future completes with the last durable log
     * index once this write and every one before it are durable, or fails with {@link StorageFailedException}.
     */
    public CompletableFuture<Long> write(HardState hardState, List<SnapshotChunk> chunks, List<Entry> entries) {
        return submit(new Write(hardState, List.copyOf(chunks), List.copyOf(entries), new CompletableFuture<>()));
    }

    /**
     * Deletes the log's segments whose entries are all at or below upTo — never beyond the newest snapshot, so
     * that a restart always finds a snapshot and the log after it.
     */
    public CompletableFuture<Long> compactLog(long upTo) {
        return submit(new Compact(upTo, new CompletableFuture<>()));
    }

    /**
     * Starts writing this node's own snapshot of its state machine (taken on the apply thread). Write the state to
     * {@link SnapshotWriter#stream()}, then {@link SnapshotWriter#commit()}; afterwards compact the log.
     */
    public SnapshotWriter beginSnapshot(SnapshotMetadata metadata) throws IOException {
        SnapshotStore.Writer writer = snapshots.begin(metadata);
        return new SnapshotWriter(writer);
    }

    /** The newest complete snapshot on disk, or null. */
    public SnapshotMetadata latestSnapshot() {
        return snapshots.latest();
    }

    /** Up to maxBytes of the state of the snapshot at index, from offset: an InstallSnapshot chunk. */
    public byte[] readSnapshotChunk(long index, long offset, int maxBytes) throws IOException {
        return snapshots.read(index, offset, maxBytes);
    }

    public long snapshotSize(long index) throws IOException {
        return snapshots.size(index);
    }

    /** The whole state of the snapshot at index, to restore the state machine from. */
    public InputStream openSnapshot(long index) throws IOException {
        return snapshots.open(index);
    }

    /** Stops the storage thread after the writes already submitted, and closes the files. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Stop());
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IOException("the storage thread did not stop within 30 s");
        }
        log.close();
    }

    private <T extends Task> CompletableFuture<Long> submit(T task) {
        StorageFailedException failed = failure;
        if (failed != null) {
            task.future().completeExceptionally(failed);
        } else if (closed) {
            task.future().completeExceptionally(new IllegalStateException("storage is closed"));
        } else {
            queue.add(task);
            if ((failure != null || !thread.isAlive()) && queue.remove(task)) {
                // The storage stopped between the check above and the enqueue: nobody would ever answer.
                task.future().completeExceptionally(failure != null ? failure
                        : new IllegalStateException("storage is closed"));
            }
        }
        return task.future();
    }

    private void run() {
        List<Task> group = new ArrayList<>();
        while (true) {
            group.clear();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                fail(new StorageFailedException("storage thread interrupted", e), group);
                return;
            }
            queue.drainTo(group);
            boolean stop = group.get(group.size() - 1) instanceof Stop;
            try {
                persist(group);
            } catch (Throwable e) {
                fail(new StorageFailedException("storage failed, no further writes are accepted: " + e, e), group);
                return;
            }
            for (Task task : group) {
                if (task.future() != null) {
                    task.future().complete(log.durableIndex());
                }
            }
            if (stop || group.stream().anyMatch(Stop.class::isInstance)) {
                stopped();
                return;
            }
        }
    }

    /** One group commit: the newest hard state first, then chunks and entries in order, then one fsync. */
    private void persist(List<Task> group) throws IOException {
        HardState newest = null;
        for (Task task : group) {
            if (task instanceof Write write && write.hardState() != null) {
                newest = write.hardState();
            }
        }
        if (newest != null && !newest.equals(hardState)) {
            if (newest.term() < hardState.term()) {
                throw new IllegalArgumentException("term must not go back: " + hardState + " then " + newest);
            }
            hardStateFile.write(newest);
            hardState = newest;
        }
        for (Task task : group) {
            if (task instanceof Write write) {
                for (SnapshotChunk chunk : write.chunks()) {
                    receive(chunk);
                }
                log.append(write.entries());
            } else if (task instanceof Compact compact) {
                SnapshotMetadata snapshot = snapshots.latest();
                log.compactTo(Math.min(compact.upTo(), snapshot == null ? 0 : snapshot.index()));
            }
        }
        log.sync();
    }

    private void receive(SnapshotChunk chunk) throws IOException {
        if (chunk.offset() == 0) {
            if (receiving != null) {
                receiving.abort();
            }
            receiving = snapshots.begin(chunk.metadata());
        }
        if (receiving == null || !receiving.metadata().equals(chunk.metadata())
                || receiving.length() != chunk.offset()) {
            throw new IllegalArgumentException("snapshot chunk at offset " + chunk.offset() + " of snapshot "
                    + chunk.metadata().index() + " does not follow what was received");
        }
        receiving.write(chunk.data(), 0, chunk.data().length);
        if (!chunk.last()) {
            return;
        }
        SnapshotMetadata snapshot = chunk.metadata();
        receiving.commit();
        receiving = null;
        if (!log.follows(snapshot.index(), snapshot.term())) {
            log.reset(snapshot.index() + 1);
        }
    }

    private void stopped() {
        if (receiving != null) {
            try {
                receiving.abort();
            } catch (IOException e) {
                LOG.warn("could not remove an unfinished snapshot on close: {}", e.toString());
            }
            receiving = null;
        }
        Task late;
        while ((late = queue.poll()) != null) {
            if (late.future() != null) {
                late.future().completeExceptionally(new IllegalStateException("storage is closed"));
            }
        }
    }

    private void fail(StorageFailedException exception, List<Task> group) {
        failure = exception;
        LOG.error("storage stopped: {}", exception.getMessage(), exception.getCause());
        // The node hears first, so that it stops before any caller learns of the failure from a future.
        try {
            failureListener.accept(exception);
        } catch (RuntimeException e) {
            LOG.error("storage failure listener threw", e);
        }
        for (Task task : group) {
            if (task.future() != null) {
                task.future().completeExceptionally(exception);
            }
        }
        Task waiting;
        while ((waiting = queue.poll()) != null) {
            if (waiting.future() != null) {
                waiting.future().completeExceptionally(exception);
            }
        }
    }

    private sealed interface Task permits Write, Compact, Stop {
        CompletableFuture<Long> future();
    }

    private record Write(HardState hardState, List<SnapshotChunk> chunks, List<Entry> entries,
                         CompletableFuture<Long> future) implements Task {
    }

    private record Compact(long upTo, CompletableFuture<Long> future) implements Task {
    }

    private record Stop() implements Task {
        @Override
        public CompletableFuture<Long> future() {
            return null;
        }
    }

    /** This node's own snapshot being written; see {@link RaftStorage#beginSnapshot}. */
    public static final class SnapshotWriter {
        private final SnapshotStore.Writer writer;
        private final OutputStream stream;

        private SnapshotWriter(SnapshotStore.Writer writer) {
            this.writer = writer;
            this.stream = writer.stream();
        }

        /** Where the state goes; buffered, and not closed by commit. */
        public OutputStream stream() {
            return stream;
        }

        /** Makes the snapshot durable and the newest. */
        public void commit() throws IOException {
            stream.flush();
            writer.commit();
        }

        public void abort() throws IOException {
            writer.abort();
        }
    }
}
