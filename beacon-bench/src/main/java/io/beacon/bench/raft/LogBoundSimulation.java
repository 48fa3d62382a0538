package io.beacon.bench.raft;

import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Role;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What it shows: that log compaction bounds every node's in-memory log under a constant write load, and that memory
 * stays flat while it runs. A 3-node {@link SnapshottingCluster} (node 1 elected) is driven on one thread for
 * {@code --seconds}: each step proposes {@code --batch} put commands of random keys (drawn from {@code --keys} of
 * them, so the state stops growing once they are all written) and runs the cluster until the batch is committed
 * and applied on all three nodes, which is checked every time; every node is ticked each {@code --tick-ms} of
 * wall time, so heartbeats and check-quorum run as they would. Each node takes a snapshot whenever the core asks
 * ({@code --snapshot-entries} applied since the last) and compacts its log to {@code --log-tail} entries below it.
 *
 * <p>After every Ready any node carries out, and again after every batch, each node's log length (lastIndex -
 * firstIndex + 1) is sampled; the heap in use (totalMemory - freeMemory) after every batch, the heap left after
 * the latest collection once a second (young collections leave dead objects in the old generation, so it rises
 * until a concurrent cycle runs), and the heap in use after a full collection at the end. Every sample must stay under snapshotEntries + logTailEntries + batch:
 * a node asks for a snapshot when it has applied snapshotEntries since the last one, and the runtime takes it at
 * once, so a log holds at most the tail, fewer than snapshotEntries applied entries and one batch not yet applied.
 *
 * <p>Prints a line a second (entries committed so far and in that second, each node's largest log length in that
 * second, snapshots taken so far, heap in use, heap left after the latest collection), then entries committed,
 * throughput, and per node the snapshots taken (with their size and the time spent writing them), the largest log
 * seen, the median log length after a batch, and the bound.
 * Exits 1 if any sample broke the bound, 2 on bad arguments. Not a JMH benchmark: it runs in the JVM it is started
 * in (bin/beacon-bench-snapshot gives it a fixed heap); the first seconds include the JIT's warm-up.
 */
public final class LogBoundSimulation {
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);

    private double seconds = 10;
    private int batch = 256;
    private long snapshotEntries = 10_000;
    private long logTailEntries = 1_000;
    private int keys = 100_000;
    private int keyBytes = 16;
    private int valueBytes = 16;
    private long tickMillis = 50;
    private long rate;
    private long seed = 1;

    /** Log lengths after every batch, per node (index id - 1). */
    private final long[][] afterBatch = new long[VOTERS.size()][];
    private int samples;
    /** Largest log length seen at any sample, per node; samples over the bound. */
    private final long[] maxLength = new long[VOTERS.size()];
    /** The same since the last line printed. */
    private final long[] maxLengthInSecond = new long[VOTERS.size()];
    private long violations;
    private String firstViolation;
    private long bound;

    public static void main(String[] args) {
        LogBoundSimulation simulation = new LogBoundSimulation();
        try {
            simulation.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LogBoundSimulation: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
        System.exit(simulation.run() ? 0 : 1);
    }

    private static String usage() {
        return """
                usage: LogBoundSimulation [--seconds S] [--batch N] [--snapshot-entries N] [--log-tail N] [--keys N]
                                          [--key-bytes N] [--value-bytes N] [--tick-ms N] [--rate ENTRIES_PER_S]
                                          [--seed N]
                  defaults: --seconds 10 --batch 256 --snapshot-entries 10000 --log-tail 1000 --keys 100000
                            --key-bytes 16 --value-bytes 16 --tick-ms 50 --rate 0 (as fast as it goes) --seed 1""";
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("-h") || option.equals("--help")) {
                System.out.println(usage());
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--seconds" -> seconds = positive(option, Double.parseDouble(value));
                    case "--batch" -> batch = (int) positive(option, Integer.parseInt(value));
                    case "--snapshot-entries" -> snapshotEntries = (long) positive(option, Long.parseLong(value));
                    case "--log-tail" -> logTailEntries = (long) atLeastZero(option, Long.parseLong(value));
                    case "--keys" -> keys = (int) positive(option, Integer.parseInt(value));
                    case "--key-bytes" -> keyBytes = (int) between(option, Integer.parseInt(value), 8, 255);
                    case "--value-bytes" -> valueBytes = (int) between(option, Integer.parseInt(value), 0, 255);
                    case "--tick-ms" -> tickMillis = (long) positive(option, Long.parseLong(value));
                    case "--rate" -> rate = (long) atLeastZero(option, Long.parseLong(value));
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": not a number: " + value);
            }
        }
    }

    private static double positive(String option, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return value;
    }

    private static double atLeastZero(String option, double value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must not be negative");
        }
        return value;
    }

    private static double between(String option, double value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "]");
        }
        return value;
    }

    /** Runs the load; returns whether the bound held. */
    private boolean run() {
        bound = snapshotEntries + logTailEntries + batch;
        List<RaftConfig> configs = new ArrayList<>();
        for (long id : VOTERS) {
            configs.add(RaftConfig.defaults(id, VOTERS)
                    .withSnapshots(snapshotEntries, 64L << 20, logTailEntries, 1 << 20));
        }
        SnapshottingCluster cluster = new SnapshottingCluster(configs);
        RaftNode leader = cluster.elect(1);
        for (int i = 0; i < afterBatch.length; i++) {
            afterBatch[i] = new long[1 << 12];
        }
        cluster.listen(member -> sample(member, "a Ready"));
        Runtime runtime = Runtime.getRuntime();
        SplittableRandom random = new SplittableRandom(seed);

        System.out.printf(Locale.ROOT, "LogBoundSimulation: 3 nodes, %.1f s of batches of %d puts (%d-byte keys from"
                + " %,d, %d-byte values), %s, snapshotEntries %,d, logTailEntries %,d, a tick every %d ms; heap max"
                + " %,d MB%n", seconds, batch, keyBytes, keys, valueBytes,
                rate == 0 ? "as fast as it goes" : String.format(Locale.ROOT, "%,d entries/s", rate), snapshotEntries,
                logTailEntries, tickMillis, runtime.maxMemory() >> 20);
        System.out.printf("%6s %12s %10s %23s %17s %9s %9s%n", "t (s)", "committed", "entries/s",
                "max log (1 / 2 / 3)", "snapshots", "heap MB", "after GC");

        long committed = 0;
        long maxHeapUsed = 0;
        long maxLive = 0;
        long minLive = Long.MAX_VALUE;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        long nextTick = start + tickNanos;
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long committedAtReport = 0;
        long lastReport = start;
        long now = start;
        while (now < end) {
            long first = 0;
            for (int i = 0; i < batch; i++) {
                long index = leader.propose(KeyValueStateMachine.put(key(random.nextInt(keys)),
                        value(random)));
                first = i == 0 ? index : first;
            }
            cluster.drive();
            long last = first + batch - 1;
            for (SnapshottingCluster.Member member : cluster.members()) {
                if (member.node.commitIndex() < last || member.machine.appliedIndex() < last) {
                    throw new IllegalStateException("the batch up to " + last + " is not applied on node "
                            + member.id + ": " + member.node.status());
                }
            }
            committed += batch;
            if (samples == afterBatch[0].length) {
                for (int i = 0; i < afterBatch.length; i++) {
                    afterBatch[i] = Arrays.copyOf(afterBatch[i], samples * 2);
                }
            }
            for (SnapshottingCluster.Member member : cluster.members()) {
                afterBatch[(int) member.id - 1][samples] = sample(member, "a batch");
            }
            samples++;
            maxHeapUsed = Math.max(maxHeapUsed, runtime.totalMemory() - runtime.freeMemory());

            now = System.nanoTime();
            if (now >= nextTick) {
                cluster.tickAll();
                nextTick += tickNanos;
                if (leader.role() != Role.LEADER) {
                    throw new IllegalStateException("node 1 lost leadership: " + leader.status());
                }
            }
            if (now >= nextReport || now >= end) {
                long live = liveAfterLastGc();
                if (live > 0) {
                    maxLive = Math.max(maxLive, live);
                    minLive = Math.min(minLive, live);
                }
                double elapsed = (now - start) / 1e9;
                StringBuilder lengths = new StringBuilder();
                StringBuilder taken = new StringBuilder();
                for (SnapshottingCluster.Member member : cluster.members()) {
                    int node = (int) member.id - 1;
                    lengths.append(lengths.length() == 0 ? "" : " / ").append(maxLengthInSecond[node]);
                    taken.append(taken.length() == 0 ? "" : " / ").append(member.snapshotsTaken);
                    maxLengthInSecond[node] = 0;
                }
                System.out.printf(Locale.ROOT, "%6.1f %,12d %,10.0f %23s %17s %,9d %9s%n", elapsed, committed,
                        (committed - committedAtReport) / ((now - lastReport) / 1e9), lengths, taken,
                        (runtime.totalMemory() - runtime.freeMemory()) >> 20,
                        live > 0 ? String.format(Locale.ROOT, "%,d", live >> 20) : "no GC yet");
                committedAtReport = committed;
                lastReport = now;
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
            if (rate > 0) {
                // Hold the load at rate: wait (without spinning: the machine may be shared) until the entries
                // committed so far are due.
                long due = Math.min(end, start + (long) (committed * 1e9 / rate));
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        // What is really live at the end: the collections above may leave dead objects in the old generation.
        System.gc();
        long liveAtEnd = runtime.totalMemory() - runtime.freeMemory();
        return report(cluster, committed, elapsed, maxHeapUsed, minLive, maxLive, liveAtEnd);
    }

    private long sample(SnapshottingCluster.Member member, String when) {
        long length = member.logLength();
        int node = (int) member.id - 1;
        maxLength[node] = Math.max(maxLength[node], length);
        maxLengthInSecond[node] = Math.max(maxLengthInSecond[node], length);
        if (length > bound) {
            violations++;
            if (firstViolation == null) {
                firstViolation = "node " + member.id + " held " + length + " entries after " + when + ": "
                        + member.node.status();
            }
        }
        return length;
    }

    private byte[] key(int n) {
        byte[] key = new byte[keyBytes];
        for (int i = 0; i < 4; i++) {
            key[i] = (byte) (n >>> (24 - 8 * i));
        }
        key[keyBytes - 1] = (byte) n;
        return key;
    }

    private byte[] value(SplittableRandom random) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        return value;
    }

    /** Heap in use right after the latest collection (what the collectors could not free), or 0 before any. */
    private static long liveAfterLastGc() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        long live = 0;
        long latest = -1;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean gc && gc.getLastGcInfo() != null
                    && gc.getLastGcInfo().getEndTime() > latest) {
                latest = gc.getLastGcInfo().getEndTime();
                live = 0;
                for (Map.Entry<String, MemoryUsage> pool : gc.getLastGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(pool.getKey())) {
                        live += pool.getValue().getUsed();
                    }
                }
            }
        }
        return live;
    }

    private boolean report(SnapshottingCluster cluster, long committed, double elapsed, long maxHeapUsed,
                           long minLive, long maxLive, long liveAtEnd) {
        System.out.println();
        System.out.printf(Locale.ROOT, "entries committed: %,d in %.1f s (%,d batches)%n", committed, elapsed,
                samples);
        System.out.printf(Locale.ROOT, "throughput:        %,.0f entries/s%n", committed / elapsed);
        System.out.printf(Locale.ROOT, "log-length bound:  %,d = snapshotEntries %,d + logTailEntries %,d + batch %d%n",
                bound, snapshotEntries, logTailEntries, batch);
        System.out.printf("%6s %10s %14s %16s %12s %15s %12s%n", "node", "snapshots", "snapshot bytes",
                "ms writing them", "max length", "median (batch)", "under bound");
        for (SnapshottingCluster.Member member : cluster.members()) {
            int node = (int) member.id - 1;
            long[] lengths = Arrays.copyOf(afterBatch[node], samples);
            Arrays.sort(lengths);
            long median = lengths.length == 0 ? 0 : lengths[lengths.length / 2];
            System.out.printf(Locale.ROOT, "%6d %,10d %,14d %,16.0f %,12d %,15d %12s%n", member.id,
                    member.snapshotsTaken, member.snapshotSize(), member.snapshotNanos / 1e6, maxLength[node], median,
                    maxLength[node] <= bound ? "yes" : "NO");
        }
        System.out.printf(Locale.ROOT, "heap used: max %,d MB sampled after every batch (of %,d MB); %s; %,d MB"
                + " after a full GC at the end%n", maxHeapUsed >> 20, Runtime.getRuntime().maxMemory() >> 20,
                minLive == Long.MAX_VALUE ? "no collection ran"
                        : String.format(Locale.ROOT, "%,d..%,d MB left after collections during the run",
                                minLive >> 20, maxLive >> 20), liveAtEnd >> 20);
        if (violations > 0) {
            System.out.printf("%n*** LOG BOUND BROKEN: %,d samples over %,d entries; the first: %s%n", violations,
                    bound, firstViolation);
            return false;
        }
        System.out.printf("%nlog bound held: no sample over %,d entries%n", bound);
        return true;
    }
}
