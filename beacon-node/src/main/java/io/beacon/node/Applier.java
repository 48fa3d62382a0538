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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The apply thread: runs the state machine on committed entries in log order, restores it from snapshots a
 * leader sent (once they are durable), takes snapshots when the core asks, answers proposals and releases reads
 * once the state machine has caught up with their read index. Tasks run in the order the raft thread queues them.
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

    void stop() throws InterruptedException {
        tasks.add(new Stop());
        thread.join(10_000);
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

    private void takeSnapshot() throws Exception {
        long index = stateMachine.appliedIndex();
        if (index <= lastSnapshotIndex) {
            return;
        }
        if (configuration == null) {
            throw new IllegalStateException("no configuration applied up to index " + index);
        }
        RaftStorage.SnapshotWriter writer = storage.beginSnapshot(new SnapshotMetadata(index, appliedTerm,
                configuration));
        try {
            stateMachine.writeSnapshot(writer.stream());
            writer.commit();
        } catch (Exception e) {
            writer.abort();
            throw e;
        }
        lastSnapshotIndex = index;
        snapshotTaken.accept(index);
    }
}
