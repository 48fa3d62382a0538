package io.beacon.node;

import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.SnapshotMetadata;
import io.beacon.raft.StateMachine;
import io.beacon.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The apply thread: runs the state machine on committed entries in log order, restores it from snapshots a
 * leader sent (once they are durable), takes snapshots when the core asks, answers proposals and releases reads
 * once the state machine has caught up with their read index. Tasks run in the order the raft thread queues them.
 *
 * <p>A snapshot stops applying only while the state machine freezes its state; a second thread writes the frozen
 * state to storage and then reports it to the core, while entries go on being applied. One is written at a time.
 */
final class Applier {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /** Work for the apply thread. */
    sealed interface Task permits Apply, Restore, Read, TakeSnapshot, Stop {
    }

    record Apply(List<Entry> entries) implements Task {
    }

    /** Restore from a received snapshot once its write is durable. */
    record Restore(SnapshotMetadata snapshot, CompletableFuture<Long> persisted) implements Task {
    }

    /** Complete future with readIndex once the state machine has applied that far. */
    record Read(long readIndex, CompletableFuture<Long> future) implements Task {
    }

    record TakeSnapshot() implements Task {
    }

    record Stop() implements Task {
    }

    private final StateMachine stateMachine;
    private final RaftStorage storage;
    private final Proposals proposals;
    private final LongConsumer snapshotTaken;
    private final Consumer<Throwable> failed;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> waitingReads = new TreeMap<>();
    private final Thread thread;
    private final ExecutorService snapshotWriter;
    /** Set by the apply thread when it freezes a state, cleared by the writer when that state is on disk. */
    private final AtomicBoolean writingSnapshot = new AtomicBoolean();
    /** The term of the last entry applied (or of the snapshot restored), and the configuration in force there. */
    private long appliedTerm;
    private Configuration configuration;
    private long lastSnapshotIndex;

    Applier(StateMachine stateMachine, RaftStorage storage, Proposals proposals, SnapshotMetadata startedFrom,
            LongConsumer snapshotTaken, Consumer<Throwable> failed) {
        this.stateMachine = stateMachine;
        this.storage = storage;
        this.proposals = proposals;
        this.snapshotTaken = snapshotTaken;
        this.failed = failed;
        if (startedFrom != null) {
            appliedTerm = startedFrom.term();
            configuration = startedFrom.configuration();
            lastSnapshotIndex = startedFrom.index();
        }
        this.thread = new Thread(this::run, "beacon-apply");
        this.thread.setDaemon(true);
        this.snapshotWriter = Executors.newSingleThreadExecutor(runnable -> {
            Thread writer = new Thread(runnable, "beacon-snapshot-write");
            writer.setDaemon(true);
            return writer;
        });
    }

    void start() {
        thread.start();
    }

    void submit(Task task) {
        tasks.add(task);
    }

    long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** Stops applying, then waits (at most 10 s each) for the apply thread and for a snapshot being written. */
    void stop() throws InterruptedException {
        tasks.add(new Stop());
        thread.join(10_000);
        snapshotWriter.shutdown();
        if (!snapshotWriter.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("a snapshot was still being written 10 s after the member stopped applying; left unfinished");
            snapshotWriter.shutdownNow();
        }
    }

    private void run() {
        try {
            while (true) {
                Task task = tasks.take();
                if (task instanceof Stop) {
                    return;
                }
                perform(task);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            LOG.error("apply thread failed: the member stops", e);
            failed.accept(e);
        } finally {
            NodeStoppedException stopped = new NodeStoppedException("the member stopped", null);
            waitingReads.values().forEach(futures -> futures.forEach(f -> f.completeExceptionally(stopped)));
            waitingReads.clear();
        }
    }

    private void perform(Task task) throws Exception {
        if (task instanceof Apply apply) {
            for (Entry entry : apply.entries()) {
                if (entry.index() <= stateMachine.appliedIndex()) {
                    continue;
                }
                Object result = stateMachine.apply(entry);
                appliedTerm = entry.term();
                if (entry.type() == EntryType.CONFIGURATION) {
                    configuration = Configuration.decode(entry.data());
                }
                proposals.applied(entry, result);
            }
            releaseReads();
        } else if (task instanceof Restore restore) {
            restore.persisted().join();
            SnapshotMetadata snapshot = restore.snapshot();
            long started = System.nanoTime();
            try (InputStream in = storage.openSnapshot(snapshot.index())) {
                stateMachine.restoreSnapshot(in, snapshot.index());
            }
            LOG.info("restored a snapshot sent by the leader index={} term={} millis={}", snapshot.index(),
                    snapshot.term(), (System.nanoTime() - started) / 1_000_000);
            appliedTerm = snapshot.term();
            configuration = snapshot.configuration();
            lastSnapshotIndex = snapshot.index();
            proposals.coveredBySnapshot(snapshot.index());
            releaseReads();
        } else if (task instanceof Read read) {
            if (read.readIndex() <= stateMachine.appliedIndex()) {
                read.future().complete(read.readIndex());
            } else {
                waitingReads.computeIfAbsent(read.readIndex(), index -> new ArrayList<>()).add(read.future());
            }
        } else if (task instanceof TakeSnapshot) {
            takeSnapshot();
        }
    }

    private void releaseReads() {
        Map<Long, List<CompletableFuture<Long>>> ready = waitingReads.headMap(stateMachine.appliedIndex(), true);
        ready.forEach((index, futures) -> futures.forEach(future -> future.complete(index)));
        ready.clear();
    }

    private void takeSnapshot() {
        long index = stateMachine.appliedIndex();
        if (index <= lastSnapshotIndex) {
            return;
        }
        if (configuration == null) {
            throw new IllegalStateException("no configuration applied up to index " + index);
        }
        if (!writingSnapshot.compareAndSet(false, true)) {
            // One is being written; the core asks again once it has heard of that one.
            return;
        }
        SnapshotMetadata metadata = new SnapshotMetadata(index, appliedTerm, configuration);
        long started = System.nanoTime();
        StateMachine.FrozenState frozen = stateMachine.freeze();
        long frozenNanos = System.nanoTime() - started;
        lastSnapshotIndex = index;
        snapshotWriter.execute(() -> writeSnapshot(metadata, frozen, frozenNanos));
    }

    private void writeSnapshot(SnapshotMetadata metadata, StateMachine.FrozenState frozen, long frozenNanos) {
        long started = System.nanoTime();
        try {
            RaftStorage.SnapshotWriter writer = storage.beginSnapshot(metadata);
            try {
                frozen.writeTo(writer.stream());
                writer.commit();
            } catch (Exception e) {
                writer.abort();
                throw e;
            }
        } catch (Throwable e) {
            LOG.error("cannot write the snapshot at index {}: the member stops", metadata.index(), e);
            failed.accept(e);
            return;
        }
        writingSnapshot.set(false);
        LOG.info("took a snapshot index={} term={} freezeMicros={} writeMillis={}", metadata.index(),
                metadata.term(), frozenNanos / 1000, (System.nanoTime() - started) / 1_000_000);
        snapshotTaken.accept(metadata.index());
    }
}
