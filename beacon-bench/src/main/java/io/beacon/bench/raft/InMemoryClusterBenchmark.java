package io.beacon.bench.raft;

import io.beacon.raft.Entry;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Ready;
import io.beacon.raft.Role;
import io.beacon.raft.message.Message;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What it measures: the throughput of the Raft core alone — {@link RaftNode} of beacon-raft — in a 3-node cluster
 * driven on the one benchmark thread. Each operation proposes {@code batchSize} fresh 64-byte commands to the
 * leader and then drives the cluster until nothing moves: the leader's AppendEntries are handed straight to the
 * followers' {@code step}, every Ready is "persisted" at once (its messagesAfterPersist sent and {@code advance}
 * called right after it is taken), and the operation ends only when the whole batch is committed and applied on the
 * leader and on both followers, which is checked every time. Score: {@code commitBatch} is batches per second; the
 * {@code commitBatch:entries} line is entries committed per second. All three nodes share one thread, so these are
 * "per core" figures of the algorithm's CPU and allocation cost, with no disk, network, serialization or locking;
 * the garbage collector's threads may use a second CPU unless the run is pinned to one (bin/beacon-bench-core with
 * BEACON_BENCH_CPUS=1).
 *
 * <p>What it must never do: count an entry that was proposed but not verified committed and applied everywhere;
 * keep a cluster (whose log, uncompacted, holds every entry in memory, about 140 bytes each) beyond one iteration,
 * or beyond replaceClusterAt entries; tick the nodes while measuring (no heartbeats or elections: replication
 * only); touch a disk, socket, clock or another thread; or reuse one command array for many entries (a real
 * runtime decodes each command into its own). Keep iterations short (a few seconds): past 60% of the heap in log
 * entries the run fails loudly rather than measure a starving heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// jvmArgs, not jvmArgsAppend: JMH's -jvmArgsAppend (for -XX:+UseParallelGC, -Xlog:gc, ...) then adds to the heap
// settings instead of replacing them, and the forked JVM never inherits the options of the JMH host JVM.
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class InMemoryClusterBenchmark {
    private static final int VOTERS = 3;
    private static final int COMMAND_BYTES = 64;
    /** Heap held per log entry: Entry (40 B), its 64-byte array (80 B), a slot in three logs with growth slack. */
    private static final long BYTES_PER_ENTRY_ESTIMATE = 140;

    @Param({"1", "64", "1024"})
    public int batchSize;

    /**
     * 0 (the default): one cluster per iteration, its log growing for the whole iteration, so the figure includes
     * the collector's cost of an ever-growing live log. A positive value stands in for the log compaction the core
     * does not have yet: once the log holds this many entries the cluster is replaced by a fresh one, inside the
     * measured time (an election and a few objects, amortized over the entries), so at most this many are live.
     */
    @Param({"0"})
    public long replaceClusterAt;

    private RaftNode[] nodes;
    private RaftNode leader;
    /** Last index each node's application was handed, by node id - 1. */
    private long[] appliedIndex;
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private long nextCommand;
    private long maxLogEntries;

    /** Entries committed per second, besides the primary score in batches per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Committed {
        public long entries;

        @Setup(Level.Iteration)
        public void reset() {
            entries = 0;
        }
    }

    @Setup(Level.Iteration)
    public void setUp() {
        newCluster();
        // 60% of the heap for the logs leaves the collector room to work; past that the run fails loudly.
        maxLogEntries = Runtime.getRuntime().maxMemory() / 10 * 6 / BYTES_PER_ENTRY_ESTIMATE;
        if (replaceClusterAt > maxLogEntries) {
            throw new IllegalArgumentException("replaceClusterAt " + replaceClusterAt + " does not fit the heap");
        }
    }

    private void newCluster() {
        List<Long> voters = List.of(1L, 2L, 3L);
        nodes = new RaftNode[VOTERS];
        appliedIndex = new long[VOTERS];
        network.clear();
        for (int i = 0; i < VOTERS; i++) {
            nodes[i] = RaftNode.fresh(RaftConfig.defaults(i + 1, voters));
        }
        leader = nodes[0];
        for (int tick = 0; tick < 100 && leader.role() != Role.LEADER; tick++) {
            leader.tick();
            drive();
        }
        if (leader.role() != Role.LEADER) {
            throw new IllegalStateException("node 1 did not become leader: " + leader.status());
        }
        checkReplicated(leader.lastIndex());
    }

    @TearDown(Level.Iteration)
    public void dropCluster() {
        checkReplicated(leader.lastIndex());
        nodes = null;
        leader = null;
    }

    /** One operation: propose batchSize commands, drive the cluster until all of them are applied everywhere. */
    @Benchmark
    public long commitBatch(Committed committed) {
        long last = 0;
        for (int i = 0; i < batchSize; i++) {
            last = leader.propose(command(nextCommand++));
        }
        drive();
        checkReplicated(last);
        committed.entries += batchSize;
        if (replaceClusterAt > 0 && last >= replaceClusterAt) {
            newCluster();
        } else if (last > maxLogEntries) {
            throw new IllegalStateException("the uncompacted log reached " + last + " entries, about 60% of the heap: "
                    + "make the iterations shorter (-w, -r) or the heap larger (-jvmArgsAppend \"-Xms8g -Xmx8g\")");
        }
        return last;
    }

    private static byte[] command(long sequence) {
        byte[] command = new byte[COMMAND_BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            command[i] = (byte) (sequence >>> (8 * i));
        }
        return command;
    }

    /**
     * Runs every node's Readys and delivers every message until nothing moves. Persistence is immediate: a Ready's
     * messages and then its messagesAfterPersist are queued, its committed entries applied, and it is advanced.
     */
    private void drive() {
        for (int round = 0; ; round++) {
            if (round > 10_000) {
                throw new IllegalStateException("the cluster did not settle");
            }
            boolean moved = false;
            for (int i = 0; i < VOTERS; i++) {
                RaftNode node = nodes[i];
                while (node.hasReady()) {
                    moved = true;
                    Ready ready = node.ready();
                    network.addAll(ready.messages());
                    // Persisting hardState and entries: nothing to do, memory is the disk.
                    network.addAll(ready.messagesAfterPersist());
                    apply(i, ready.committedEntries());
                    node.advance(ready);
                }
            }
            Message message;
            while ((message = network.poll()) != null) {
                nodes[(int) message.to() - 1].step(message);
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
    }

    private void apply(int node, List<Entry> committed) {
        if (committed.isEmpty()) {
            return;
        }
        long first = committed.get(0).index();
        if (first != appliedIndex[node] + 1) {
            throw new IllegalStateException("node " + (node + 1) + " was handed entry " + first + " after "
                    + appliedIndex[node]);
        }
        appliedIndex[node] = committed.get(committed.size() - 1).index();
    }

    private void checkReplicated(long index) {
        if (leader.role() != Role.LEADER) {
            throw new IllegalStateException("node 1 lost leadership: " + leader.status());
        }
        for (int i = 0; i < VOTERS; i++) {
            if (appliedIndex[i] < index || nodes[i].commitIndex() < index) {
                throw new IllegalStateException("entry " + index + " is not applied on node " + (i + 1) + ": "
                        + nodes[i].status());
            }
        }
    }
}
