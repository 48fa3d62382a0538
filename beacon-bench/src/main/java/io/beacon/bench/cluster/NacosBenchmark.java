package io.beacon.bench.cluster;

import io.beacon.bench.Dirs;
import io.beacon.bench.ProcessStats;
import io.beacon.testkit.http.KeepAliveConnection;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The naming service of a real 3-server cluster (separate JVMs, fsync on), through Nacos's Open API, driven by
 * threads of this JVM each holding keep-alive connections ({@link KeepAliveConnection}):
 * <ul>
 *   <li>{@code register [SECONDS] [leader]}: persistent registrations through {@code POST /nacos/v1/ns/instance}
 *       by 16, 64 and 128 concurrent clients, each waiting for its answer and sending to the servers in turn (as
 *       Nacos clients spread over their server list), or with {@code leader} all to the leader, to see what
 *       forwarding through followers costs; registrations/s and p50/p99.</li>
 *   <li>{@code beats [INSTANCES] [SECONDS]}: registers that many ephemeral instances (default 100,000; with
 *       10-minute leases, see {@link #LONG_LEASE}), then beats each every 5 s (light beats, spread over the
 *       servers) for the window; the beats/s reached against the target and their latency, and per server its CPU
 *       (share of one core) and CPU per 1,000 beats/s, heap in use after a full GC, and the log's growth in
 *       entries/s — which should be about 0, since beats write nothing unless an instance's health changes.</li>
 *   <li>{@code memory [INSTANCES]}: registers that many persistent instances (default 1,000,000), reports the heap
 *       they take per server, then the restart-to-serving time of a follower holding them.</li>
 * </ul>
 */
public final class NacosBenchmark {
    private static final String NS = "/nacos/v1/ns";
    /**
     * Metadata giving the benchmark's instances 10-minute leases: registering 100,000 takes longer than the default
     * 15 s/30 s timeouts, and the beats start once all are registered; with long leases none expires meanwhile, so
     * the figures show the steady state of beating instances, not a wave of expiries.
     */
    private static final String LONG_LEASE = "&metadata=" + java.net.URLEncoder.encode(
            "preserved.heart.beat.timeout=600000,preserved.ip.delete.timeout=600000",
            java.nio.charset.StandardCharsets.UTF_8);

    /** Load-generator threads for registering and beating, each with one keep-alive connection. */
    private static final int WORKERS = 96;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "register";
        Path base = Path.of(args.length > 3 ? args[3] : "beacon-bench/target/nacos-bench");
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, load "
                + Files.readString(Path.of("/proc/loadavg")).trim());
        Files.createDirectories(base);
        try {
            switch (mode) {
                case "register" -> register(number(args, 1, 10), args.length > 2 && args[2].equals("leader"), base);
                case "beats" -> beats(number(args, 1, 100_000), number(args, 2, 60), base);
                case "memory" -> memory(number(args, 1, 1_000_000), base);
                default -> throw new IllegalArgumentException("unknown mode " + mode + ": register, beats or memory");
            }
        } finally {
            Dirs.delete(base);
        }
        System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static int number(String[] args, int at, int fallback) {
        return args.length > at && !args[at].isBlank() ? Integer.parseInt(args[at].trim()) : fallback;
    }

    private static void register(int seconds, boolean leaderOnly, Path base) throws Exception {
        try (ServerLauncher cluster = new ServerLauncher(base, 3)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            System.out.println(leaderOnly ? "every registration sent to the leader"
                    : "registrations spread over the three servers");
            System.out.println("clients  registrations/s  p50 ms  p99 ms  (persistent instances, fsync on)");
            for (int clients : new int[] {16, 64, 128}) {
                AtomicLong failed = new AtomicLong();
                LoadStep.Result step = LoadStep.run(seconds, (running, done, latency) -> {
                    List<Thread> threads = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        int client = c;
                        Thread thread = new Thread(() -> registerLoop(cluster, leaderOnly ? leader : -1, clients,
                                client, running, done, failed, latency), "register-" + c);
                        thread.setDaemon(true);
                        thread.start();
                        threads.add(thread);
                    }
                    return LoadStep.Started.threads(threads);
                });
                System.out.printf("%7d  %15.0f  %6.2f  %6.2f  (%d refused or timed out)%n", clients,
                        step.perSecond(), step.p50Millis(), step.p99Millis(), failed.get());
            }
        }
    }

    /** One client's registrations, all to the server at index only, or spread over the servers if only is -1. */
    private static void registerLoop(ServerLauncher cluster, int only, int clients, int client,
                                     AtomicBoolean running, AtomicLong done, AtomicLong failed, Histogram latency) {
        KeepAliveConnection[] connections = connections(cluster);
        long n = 0;
        while (running.get()) {
            n++;
            int server = only >= 0 ? only : (int) ((client + n) % cluster.size());
            String ip = "10." + (clients % 256) + "." + client + "." + (n % 250 + 1);
            String path = NS + "/instance?serviceName=bench-" + client % 16 + "&ip=" + ip + "&port="
                    + (8000 + n / 250 % 1000) + "&ephemeral=false";
            long start = System.nanoTime();
            try {
                if (connections[server].call("POST", path) == 200) {
                    long took = System.nanoTime() - start;
                    synchronized (latency) {
                        latency.recordValue(took);
                    }
                    done.incrementAndGet();
                    continue;
                }
            } catch (IOException e) {
                // counted below
            }
            failed.incrementAndGet();
        }
        close(connections);
    }

    private static void beats(int instances, int seconds, Path base) throws Exception {
        try (ServerLauncher cluster = new ServerLauncher(base, 3).withHeap("768m")) {
            cluster.startAll();
            registerAll(cluster, instances, true);
            int leader = cluster.awaitLeader();

            // Each worker beats its share of the instances every 5 s, each instance at its own offset in the period
            // (light beats, as a client sends once registered); measured over the window after one warm-up period.
            long period = TimeUnit.SECONDS.toNanos(5);
            long start = System.nanoTime();
            long measuredFrom = start + period;
            long end = measuredFrom + TimeUnit.SECONDS.toNanos(seconds);
            LongAdder beats = new LongAdder();
            LongAdder failures = new LongAdder();
            Histogram latency = new Histogram(3);
            Thread[] workers = startWorkers(cluster, WORKERS, (worker, connection) -> {
                Histogram mine = new Histogram(3);
                for (long round = 0; ; round++) {
                    for (int i = worker; i < instances; i += WORKERS) {
                        long due = start + round * period + period * i / instances;
                        if (due >= end) {
                            synchronized (latency) {
                                latency.add(mine);
                            }
                            return;
                        }
                        long wait = due - System.nanoTime();
                        if (wait > 1_000_000) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        long sent = System.nanoTime();
                        boolean ok = call(connection, "PUT", NS + "/instance/beat?serviceName=DEFAULT_GROUP%40%40"
                                + service(i) + "&ip=" + ip(i) + "&port=7000");
                        if (sent >= measuredFrom) {
                            beats.increment();
                            mine.recordValue(System.nanoTime() - sent);
                            if (!ok) {
                                failures.increment();
                            }
                        }
                    }
                }
            });
            TimeUnit.NANOSECONDS.sleep(Math.max(0, measuredFrom - System.nanoTime()));
            long[] cpuBefore = cpuTicks(cluster);
            long indexBefore = lastIndex(cluster, leader);
            long from = System.nanoTime();
            join(workers);
            double window = (System.nanoTime() - from) / 1e9;
            long[] cpuAfter = cpuTicks(cluster);
            long indexAfter = lastIndex(cluster, leader);
            double beatsPerSecond = beats.sum() / window;
            System.out.printf("beats: %.0f/s over %.0f s (target %d/s; %d failed), p50 %.2f ms, p99 %.2f ms; log "
                    + "growth %.2f entries/s (%d entries)%n", beatsPerSecond, window, instances / 5, failures.sum(),
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                    (indexAfter - indexBefore) / window, indexAfter - indexBefore);
            String healthy = cluster.get(leader, "/nacos/v1/ns/catalog/services?pageNo=1&pageSize=1000", 10_000)
                    .body();
            System.out.println("services as the leader lists them (ipCount, healthyInstanceCount): "
                    + summary(healthy));
            for (int server = 0; server < cluster.size(); server++) {
                double cpu = (cpuAfter[server] - cpuBefore[server]) / 100.0 / window;
                System.out.printf("server %d%s: cpu %.0f%% of a core (%.1f%% per 1,000 beats/s), heap in use after "
                        + "full GC %d MB%n", server, server == leader ? " (leader)" : "", cpu * 100,
                        cpu * 100 / (beatsPerSecond / 1000), ProcessStats.heapAfterGcKb(cluster.pid(server)) / 1024);
            }
        }
    }

    /**
     * Registers that many persistent instances (1,000 per service), then reports each server's heap per 1,000,000
     * instances (heap in use after a full GC, less what it used before registering) and what is on its disk; then
     * kills a follower with SIGKILL, starts it again and times it to serving: to its health check answering, and to
     * its first linearizable list of the last service holding every instance registered there.
     */
    public static Memory memory(int instances, Path base) throws Exception {
        try (ServerLauncher cluster = new ServerLauncher(base, 3).withHeap("3g").withDefaultCollector()) {
            cluster.startAll();
            cluster.awaitLeader();
            List<Double> heapPerMillion = new ArrayList<>();
            long diskMb = 0;
            long[] heapBefore = new long[cluster.size()];
            for (int server = 0; server < cluster.size(); server++) {
                heapBefore[server] = ProcessStats.heapAfterGcKb(cluster.pid(server));
            }
            long termBefore = cluster.term(cluster.awaitLeader());
            BitSet registered = registerAll(cluster, instances, false);
            int leader = cluster.awaitLeader();
            System.out.printf("term %d before registering, %d after (a leader change costs a few registrations "
                    + "their answer)%n", termBefore, cluster.term(leader));
            for (int server = 0; server < cluster.size(); server++) {
                long used = ProcessStats.heapAfterGcKb(cluster.pid(server));
                heapPerMillion.add((used - heapBefore[server]) / 1024.0 * 1_000_000 / instances);
                diskMb = Math.max(diskMb, Dirs.treeSize(base.resolve("server-" + server)) >> 20);
                System.out.printf("server %d%s: heap in use after full GC %d MB (%d MB before): %.0f MB per "
                        + "1,000,000 instances; data directory %d MB%n", server, server == leader ? " (leader)" : "",
                        used / 1024, heapBefore[server] / 1024,
                        (used - heapBefore[server]) / 1024.0 * 1_000_000 / instances,
                        Dirs.treeSize(base.resolve("server-" + server)) >> 20);
            }
            int follower = (leader + 1) % cluster.size();
            int last = instances - 1;
            int expected = 0;
            for (int i = registered.nextSetBit(0); i >= 0; i = registered.nextSetBit(i + 1)) {
                expected += service(i).equals(service(last)) ? 1 : 0;
            }
            cluster.kill(follower);
            long started = System.nanoTime();
            cluster.start(follower);
            cluster.awaitHealthy(follower, 600_000);
            long healthy = System.nanoTime();
            String list = NS + "/instance/list?consistency=linearizable&serviceName=DEFAULT_GROUP%40%40"
                    + service(last);
            while (true) {
                try {
                    HttpResponse<String> answer = cluster.get(follower, list, 10_000);
                    if (answer.statusCode() == 200 && count(answer.body(), "\"instanceId\"") == expected) {
                        break;
                    }
                } catch (IOException notYet) {
                    // still loading
                }
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("the restarted server did not serve within 10 minutes");
                }
                Thread.sleep(20);
            }
            long serving = System.nanoTime();
            System.out.printf("restart of a follower holding %d instances (kill -9, start): health check after "
                    + "%.2f s, serving its linearizable list of %d instances after %.2f s%n", instances,
                    (healthy - started) / 1e9, expected, (serving - started) / 1e9);
            heapPerMillion.sort(null);
            return new Memory(instances, Dirs.percentile(heapPerMillion, 50), diskMb, (healthy - started) / 1e9,
                    (serving - started) / 1e9);
        }
    }

    /**
     * What the memory mode measured: the servers' median heap per 1,000,000 instances, the largest data directory,
     * and a restarted follower's seconds to its health check and to serving its linearizable list.
     */
    public record Memory(int instances, double heapMbPerMillion, long diskMb, double healthySeconds,
                         double servingSeconds) {
    }

    /**
     * Registers instances 0 .. count-1 through all servers, with long leases if ephemeral, trying each twice;
     * prints the rate; the instances registered.
     */
    private static BitSet registerAll(ServerLauncher cluster, int count, boolean ephemeral) throws Exception {
        BitSet registered = new BitSet(count);
        long start = System.nanoTime();
        LongAdder failures = new LongAdder();
        String kind = ephemeral ? LONG_LEASE : "&ephemeral=false";
        join(startWorkers(cluster, WORKERS, (worker, connection) -> {
            for (int i = worker; i < count; i += WORKERS) {
                String path = NS + "/instance?serviceName=" + service(i) + "&ip=" + ip(i) + "&port=7000" + kind;
                if (call(connection, "POST", path) || call(connection, "POST", path)) {
                    synchronized (registered) {
                        registered.set(i);
                    }
                } else {
                    failures.increment();
                }
            }
        }));
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf("registered %d %s instances in %.1f s (%.0f/s, %d failed twice)%n", count,
                ephemeral ? "ephemeral" : "persistent", took, count / took, failures.sum());
        return registered;
    }

    /**
     * Registers one persistent instance in each of the services {@code service-FROM} to {@code service-(TO-1)},
     * through all servers, trying each twice; returns how many failed both times.
     */
    public static long registerServices(ServerLauncher cluster, int from, int to) throws InterruptedException {
        LongAdder failures = new LongAdder();
        join(startWorkers(cluster, WORKERS, (worker, connection) -> {
            for (int i = from + worker; i < to; i += WORKERS) {
                String path = NS + "/instance?serviceName=service-" + i + "&ip=" + ip(i) + "&port=7000"
                        + "&ephemeral=false";
                if (!call(connection, "POST", path) && !call(connection, "POST", path)) {
                    failures.increment();
                }
            }
        }));
        return failures.sum();
    }

    /** What one load-generator thread does with its own connection. */
    private interface Worker {
        void run(int worker, KeepAliveConnection connection) throws Exception;
    }

    /** Starts that many threads, worker w with a connection to server w mod the cluster's size. */
    private static Thread[] startWorkers(ServerLauncher cluster, int workers, Worker work) {
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads[w] = new Thread(() -> {
                int server = worker % cluster.size();
                try (KeepAliveConnection connection = new KeepAliveConnection(cluster.host(server),
                        cluster.port(server), 10_000)) {
                    work.run(worker, connection);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "load-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        return threads;
    }

    private static void join(Thread[] threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Whether the call was answered 200. */
    private static boolean call(KeepAliveConnection connection, String method, String path) {
        try {
            return connection.call(method, path) == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static KeepAliveConnection[] connections(ServerLauncher cluster) {
        KeepAliveConnection[] connections = new KeepAliveConnection[cluster.size()];
        for (int server = 0; server < connections.length; server++) {
            connections[server] = new KeepAliveConnection(cluster.host(server), cluster.port(server), 10_000);
        }
        return connections;
    }

    private static void close(KeepAliveConnection[] connections) {
        for (KeepAliveConnection connection : connections) {
            connection.close();
        }
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            count++;
        }
        return count;
    }

    private static String service(int instance) {
        return "svc-" + instance % 1000;
    }

    private static String ip(int instance) {
        return "10." + (instance >> 16 & 255) + "." + (instance >> 8 & 255) + "." + (instance & 255);
    }

    /** The CPU time (user + system, in clock ticks of 1/100 s) each server's process has used. */
    private static long[] cpuTicks(ServerLauncher cluster) throws Exception {
        long[] ticks = new long[cluster.size()];
        for (int server = 0; server < cluster.size(); server++) {
            ticks[server] = ProcessStats.cpuTicks(cluster.pid(server));
        }
        return ticks;
    }

    private static long lastIndex(ServerLauncher cluster, int server) throws Exception {
        String body = cluster.get(server, "/beacon/v1/cluster", 5000).body();
        int at = body.indexOf("\"lastIndex\":");
        return Long.parseLong(body.substring(at + 12, body.indexOf(',', at)));
    }

    private static String summary(String catalog) {
        long ips = 0;
        long healthy = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"ipCount\":(\\d+),\"healthyInstanceCount\":(\\d+)").matcher(catalog);
        while (m.find()) {
            ips += Long.parseLong(m.group(1));
            healthy += Long.parseLong(m.group(2));
        }
        return ips + " instances, " + healthy + " healthy";
    }

}
