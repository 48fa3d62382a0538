package io.beacon.bench.cluster;

import io.beacon.bench.Dirs;

import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-cluster figures with real processes: three Beacon servers (separate JVMs, fsync on, loopback).
 * <ul>
 *   <li>{@code failover [TRIALS]}: under a write load, {@code kill -9} of the leader; the time from the kill to the
 *       first write a surviving server acknowledges. A fresh cluster per trial.</li>
 *   <li>{@code partition [TRIALS]}: the same, except that the leader is cut off by a network partition instead of
 *       killed, and the partition healed at the end of the trial. The servers listen on 127.0.0.2-4, one address
 *       each, and iptables rules drop everything from and to the leader's address (see {@link Partition}); the
 *       clients stay on 127.0.0.1. Unlike a kill, a partition closes no connection, so the followers learn
 *       nothing until their election timeout runs out. Runs only in a network namespace of its own.</li>
 *   <li>{@code throughput [SECONDS]}: writes of 64-byte values through {@code /beacon/v1/kv} by 1, 16, 64 and 128
 *       concurrent clients (each waits for its answer), sent to the leader; writes/s and p50/p99 latency.</li>
 *   <li>{@code steady [MINUTES]}: a constant load of 16 clients; reports any change of leader or term.</li>
 * </ul>
 * Data under {@code beacon-bench/target/cluster-bench}, deleted at the end.
 */
public final class ClusterBenchmark {
    private static final byte[] VALUE = new byte[64];
    /** The servers' addresses in partition mode: one each, so that a rule on one address cuts one server off. */
    private static final List<String> PARTITION_HOSTS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");
    /** Trials slower than this keep their servers' logs: the target for the first write after a partition. */
    private static final double PARTITION_SLOW_MILLIS = 1500;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "failover";
        Path base = Path.of(args.length > 2 ? args[2] : "beacon-bench/target/cluster-bench");
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, load "
                + Files.readString(Path.of("/proc/loadavg")).trim());
        try {
            switch (mode) {
                case "failover" -> failover(number(args, 20), base);
                case "partition" -> partition(number(args, 20), base);
                case "throughput" -> throughput(number(args, 10), base);
                case "steady" -> steady(number(args, 10), base);
                default -> throw new IllegalArgumentException("unknown mode " + mode
                        + ": failover, partition, throughput or steady");
            }
        } finally {
            Dirs.delete(base);
        }
        System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** The count the second argument gives, or the default when it is missing or empty. */
    private static int number(String[] args, int fallback) {
        return args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1].trim()) : fallback;
    }

    private static void failover(int trials, Path base) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int trial = 1; trial <= trials; trial++) {
            Path data = base.resolve("failover-" + trial);
            Files.createDirectories(data);
            try (ServerLauncher cluster = new ServerLauncher(data, 3)) {
                cluster.startAll();
                int leader = cluster.awaitLeader();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> load = startLoad(cluster, 8, running, new AtomicLong(), new Histogram(3));
                Thread.sleep(1000);
                cluster.kill(leader);
                double elapsed = firstWriteThroughOthers(cluster, leader, System.nanoTime());
                stopLoad(running, load);
                millis.add(elapsed);
                System.out.printf("trial %2d: %.0f ms (killed server %d)%n", trial, elapsed, leader);
            }
            if (millis.get(millis.size() - 1) > 400) {
                keepLogs(data, base.resolveSibling("failover-slow-trial-" + trial));
            }
            Dirs.delete(data);
        }
        printPercentiles("failover after kill -9 of the leader", millis);
    }

    /**
     * Like {@link #failover}, but the leader is cut off by iptables rules on its address instead of killed; the
     * time runs from the moment the rules are in place. The load's clients, which write to the old leader, wait
     * out their 2 s request timeout and then look for the new leader (a second at most, as the old one cannot
     * answer); they run on threads of their own, so they never hold up the probe's 300 ms requests.
     */
    private static void partition(int trials, Path base) throws Exception {
        Partition.requireOwnNetworkNamespace();
        List<Double> millis = new ArrayList<>();
        for (int trial = 1; trial <= trials; trial++) {
            Path data = base.resolve("partition-" + trial);
            Files.createDirectories(data);
            double elapsed;
            try (ServerLauncher cluster = new ServerLauncher(data, PARTITION_HOSTS)) {
                cluster.startAll();
                int leader = cluster.awaitLeader();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> load = startLoad(cluster, 8, running, new AtomicLong(), new Histogram(3));
                Thread.sleep(1000);
                int newLeader;
                try (Partition partition = Partition.isolate(cluster.host(leader))) {
                    elapsed = firstWriteThroughOthers(cluster, leader, System.nanoTime());
                    newLeader = cluster.leader();
                    stopLoad(running, load);
                }
                millis.add(elapsed);
                System.out.printf("trial %2d: %.0f ms (isolated server %d at %s; new leader: %s)%n", trial, elapsed,
                        leader, cluster.host(leader), newLeader < 0 ? "none found"
                                : "server " + newLeader + " at " + cluster.host(newLeader));
            }
            if (elapsed < 0 || elapsed > PARTITION_SLOW_MILLIS) {
                keepLogs(data, base.resolveSibling("partition-slow-trial-" + trial));
            }
            Dirs.delete(data);
        }
        printPercentiles("first write after a partition isolating the leader", millis);
    }

    /**
     * Writes through the servers other than excluded in turn, each request given 300 ms, until one is
     * acknowledged, pausing 5 ms after a quick refusal (as a client would, and so as not to starve the election of
     * the two cores). Returns the milliseconds from since to that acknowledgement, or -1 if none came within 30 s.
     */
    private static double firstWriteThroughOthers(ServerLauncher cluster, int excluded, long since)
            throws InterruptedException {
        int probe = 0;
        while (System.nanoTime() - since < TimeUnit.SECONDS.toNanos(30)) {
            int server = (excluded + 1 + probe++ % (cluster.size() - 1)) % cluster.size();
            try {
                if (cluster.put(server, "probe-" + probe, VALUE, 300) == 200) {
                    return (System.nanoTime() - since) / 1e6;
                }
            } catch (Exception notYet) {
                // no leader yet, or the request timed out
            }
            Thread.sleep(5);
        }
        return -1;
    }

    private static void stopLoad(AtomicBoolean running, List<Thread> load) throws InterruptedException {
        running.set(false);
        for (Thread thread : load) {
            thread.join(5000);
        }
    }

    /** Copies the servers' logs of a slow trial out of its data directory (which is deleted), to read why. */
    private static void keepLogs(Path data, Path kept) throws java.io.IOException {
        Dirs.delete(kept);
        Files.createDirectories(kept);
        for (Path log : Dirs.files(data)) {
            if (log.getFileName().toString().endsWith(".log")) {
                Files.copy(log, kept.resolve(log.getFileName()));
            }
        }
    }

    private static void printPercentiles(String what, List<Double> millis) {
        millis.sort(null);
        System.out.printf("%s, %d trials: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n", what,
                millis.size(), Dirs.percentile(millis, 50), Dirs.percentile(millis, 90), Dirs.percentile(millis, 99),
                millis.get(millis.size() - 1));
    }

    private static void throughput(int seconds, Path base) throws Exception {
        Files.createDirectories(base);
        try (ServerLauncher cluster = new ServerLauncher(base, 3)) {
            cluster.startAll();
            cluster.awaitLeader();
            System.out.println("clients  writes/s  p50 ms  p99 ms  (64-byte values, to the leader, fsync on)");
            for (int clients : new int[] {1, 16, 64, 128}) {
                LoadStep.Result step = LoadStep.run(seconds, (running, done, latency) ->
                        LoadStep.Started.threads(startLoad(cluster, clients, running, done, latency)));
                System.out.printf("%7d  %8.0f  %6.2f  %6.2f%n", clients, step.perSecond(), step.p50Millis(),
                        step.p99Millis());
            }
        }
    }

    private static void steady(int minutes, Path base) throws Exception {
        Files.createDirectories(base);
        try (ServerLauncher cluster = new ServerLauncher(base, 3)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            long term = cluster.term(leader);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong done = new AtomicLong();
            List<Thread> load = startLoad(cluster, 16, running, done, new Histogram(3));
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
            int changes = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                int now = cluster.leader();
                long nowTerm = now < 0 ? -1 : cluster.term(now);
                if (now != leader || nowTerm != term) {
                    changes++;
                    System.out.printf("leader change: server %d term %d -> server %d term %d%n", leader, term, now,
                            nowTerm);
                    leader = now;
                    term = nowTerm;
                }
            }
            running.set(false);
            for (Thread thread : load) {
                thread.join(5000);
            }
            System.out.printf("steady load for %d min, 16 clients: %d writes (%.0f/s), %d leader changes%n", minutes,
                    done.get(), done.get() / (minutes * 60.0), changes);
        }
    }

    /** Clients that write to whichever server leads, each waiting for its answer. */
    private static List<Thread> startLoad(ServerLauncher cluster, int clients, AtomicBoolean running, AtomicLong done,
                                          Histogram latency) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                int target = Math.max(0, cluster.leader());
                long i = 0;
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        int status = cluster.put(target, "c" + client + "-" + (i++ % 1000), VALUE, 2000);
                        if (status == 200) {
                            long took = System.nanoTime() - start;
                            synchronized (latency) {
                                latency.recordValue(took);
                            }
                            done.incrementAndGet();
                            continue;
                        }
                    } catch (Exception e) {
                        // the server is gone or slow: look for the leader again
                    }
                    // A client backs off a little instead of spinning while there is no leader: on two cores the
                    // spinning would starve the servers electing one.
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                    int found = cluster.leader();
                    target = found >= 0 ? found : (target + 1) % cluster.size();
                }
            }, "load-" + client);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

}
