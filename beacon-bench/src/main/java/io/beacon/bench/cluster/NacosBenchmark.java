package io.beacon.bench.cluster;

import io.beacon.bench.Dirs;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The naming service of a real 3-server cluster (separate JVMs, fsync on), through Nacos's Open API:
 * <ul>
 *   <li>{@code register [SECONDS]}: persistent registrations through {@code POST /nacos/v1/ns/instance} by 16, 64
 *       and 128 concurrent clients, each waiting for its answer and sending to the servers in turn (as Nacos
 *       clients spread over their server list); registrations/s and p50/p99.</li>
 *   <li>{@code beats [INSTANCES] [SECONDS]}: registers that many ephemeral instances (default 100,000; with
 *       10-minute leases, see {@link #LONG_LEASE}), then beats each every 5 s (light beats, spread over the
 *       servers) for the window, or as close to that rate as the load generator gets; the beats/s reached against
 *       the target, and per server its CPU (share of one core) and CPU per 1,000 beats/s, heap in use after a
 *       full GC, and the log's growth in entries/s — which should be about 0, since beats write nothing unless an
 *       instance's health changes.</li>
 * </ul>
 */
public final class NacosBenchmark {
    private static final String NS = "/nacos/v1/ns";
    /**
     * Metadata giving the benchmark's instances 10-minute leases: registering 100,000 takes longer than the default
     * 15 s/30 s timeouts, and one client JVM on 2 cores beside three servers cannot send 20,000 beats/s; with long
     * leases no instance expires while the load generator falls behind, so the figures show what beats cost.
     */
    private static final String LONG_LEASE = "&metadata=" + java.net.URLEncoder.encode(
            "preserved.heart.beat.timeout=600000,preserved.ip.delete.timeout=600000",
            java.nio.charset.StandardCharsets.UTF_8);

    private static final int IN_FLIGHT = 256;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "register";
        Path base = Path.of(args.length > 3 ? args[3] : "beacon-bench/target/nacos-bench");
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, load "
                + Files.readString(Path.of("/proc/loadavg")).trim());
        Files.createDirectories(base);
        try {
            switch (mode) {
                case "register" -> register(number(args, 1, 10), base);
                case "beats" -> beats(number(args, 1, 100_000), number(args, 2, 60), base);
                default -> throw new IllegalArgumentException("unknown mode " + mode + ": register or beats");
            }
        } finally {
            Dirs.delete(base);
        }
        System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static int number(String[] args, int at, int fallback) {
        return args.length > at && !args[at].isBlank() ? Integer.parseInt(args[at].trim()) : fallback;
    }

    private static void register(int seconds, Path base) throws Exception {
        try (ServerLauncher cluster = new ServerLauncher(base, 3)) {
            cluster.startAll();
            cluster.awaitLeader();
            System.out.println("clients  registrations/s  p50 ms  p99 ms  (persistent instances, fsync on)");
            for (int clients : new int[] {16, 64, 128}) {
                AtomicLong failed = new AtomicLong();
                LoadStep.Result step = LoadStep.run(seconds, (running, done, latency) -> {
                    List<Thread> threads = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        int client = c;
                        Thread thread = new Thread(() -> registerLoop(cluster, clients, client, running, done,
                                failed, latency), "register-" + c);
                        thread.setDaemon(true);
                        thread.start();
                        threads.add(thread);
                    }
                    return threads;
                });
                System.out.printf("%7d  %15.0f  %6.2f  %6.2f  (%d refused or timed out)%n", clients,
                        step.perSecond(), step.p50Millis(), step.p99Millis(), failed.get());
            }
        }
    }

    private static void registerLoop(ServerLauncher cluster, int clients, int client, AtomicBoolean running,
                                     AtomicLong done, AtomicLong failed, Histogram latency) {
        long n = 0;
        while (running.get()) {
            n++;
            int server = (int) ((client + n) % cluster.size());
            String ip = "10." + (clients % 256) + "." + client + "." + (n % 250 + 1);
            URI uri = cluster.uri(server, NS + "/instance?serviceName=bench-" + client % 16 + "&ip=" + ip + "&port="
                    + (8000 + n / 250 % 1000) + "&ephemeral=false");
            long start = System.nanoTime();
            try {
                HttpResponse<Void> response = ServerLauncher.HTTP.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    long took = System.nanoTime() - start;
                    synchronized (latency) {
                        latency.recordValue(took);
                    }
                    done.incrementAndGet();
                    continue;
                }
            } catch (Exception e) {
                // counted below
            }
            failed.incrementAndGet();
        }
    }

    private static void beats(int instances, int seconds, Path base) throws Exception {
        try (ServerLauncher cluster = new ServerLauncher(base, 3).withHeap("768m")) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            long registerStart = System.nanoTime();
            AtomicLong failures = new AtomicLong();
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < instances; i++) {
                inFlight.acquire();
                send(cluster, i, "POST", NS + "/instance?serviceName=" + service(i) + "&ip=" + ip(i) + "&port=7000"
                        + LONG_LEASE, inFlight, failures);
            }
            inFlight.acquire(IN_FLIGHT);
            inFlight.release(IN_FLIGHT);
            System.out.printf("registered %d ephemeral instances in %.1f s (%d failed)%n", instances,
                    (System.nanoTime() - registerStart) / 1e9, failures.get());

            // Beat every instance every 5 s, each at its own offset in the period; measure over the window after
            // one warm-up period.
            long period = TimeUnit.SECONDS.toNanos(5);
            long start = System.nanoTime();
            long end = start + period + TimeUnit.SECONDS.toNanos(seconds);
            AtomicLong beats = new AtomicLong();
            failures.set(0);
            long[] cpuBefore = null;
            long indexBefore = 0;
            long measuredFrom = 0;
            long beatsBefore = 0;
            long round = 0;
            while (System.nanoTime() < end) {
                long roundStart = start + round * period;
                for (int i = 0; i < instances; i++) {
                    long due = roundStart + period * i / instances;
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    inFlight.acquire();
                    beats.incrementAndGet();
                    send(cluster, i, "PUT", NS + "/instance/beat?serviceName=DEFAULT_GROUP%40%40" + service(i)
                            + "&ip=" + ip(i) + "&port=7000", inFlight, failures);
                }
                round++;
                if (round == 1) {
                    cpuBefore = cpuTicks(cluster);
                    indexBefore = lastIndex(cluster, leader);
                    measuredFrom = System.nanoTime();
                    beatsBefore = beats.get();
                }
            }
            inFlight.acquire(IN_FLIGHT);
            double window = (System.nanoTime() - measuredFrom) / 1e9;
            long[] cpuAfter = cpuTicks(cluster);
            long indexAfter = lastIndex(cluster, leader);
            double beatsPerSecond = (beats.get() - beatsBefore) / window;
            System.out.printf("beats: %.0f/s over %.0f s (target %d/s; %d failed); log growth %.2f entries/s "
                    + "(%d entries)%n", beatsPerSecond, window, instances / 5, failures.get(),
                    (indexAfter - indexBefore) / window, indexAfter - indexBefore);
            String healthy = cluster.get(leader, "/nacos/v1/ns/catalog/services?pageNo=1&pageSize=1000", 10_000)
                    .body();
            System.out.println("services as the leader lists them (ipCount, healthyInstanceCount): "
                    + summary(healthy));
            for (int server = 0; server < cluster.size(); server++) {
                double cpu = (cpuAfter[server] - cpuBefore[server]) / 100.0 / window;
                System.out.printf("server %d%s: cpu %.0f%% of a core (%.1f%% per 1,000 beats/s), heap in use after "
                        + "full GC %s%n", server, server == leader ? " (leader)" : "", cpu * 100,
                        cpu * 100 / (beatsPerSecond / 1000), heapAfterGc(cluster.pid(server)));
            }
        }
    }

    private static String service(int instance) {
        return "svc-" + instance % 1000;
    }

    private static String ip(int instance) {
        return "10." + (instance >> 16 & 255) + "." + (instance >> 8 & 255) + "." + (instance & 255);
    }

    private static void send(ServerLauncher cluster, int instance, String method, String path, Semaphore inFlight,
                             AtomicLong failures) {
        HttpRequest request = HttpRequest.newBuilder(cluster.uri(instance % cluster.size(), path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        CompletableFuture<HttpResponse<Void>> sent = ServerLauncher.HTTP.sendAsync(request,
                HttpResponse.BodyHandlers.discarding());
        sent.whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 200) {
                failures.incrementAndGet();
            }
            inFlight.release();
        });
    }

    /** The CPU time (user + system, in clock ticks of 1/100 s) each server's process has used. */
    private static long[] cpuTicks(ServerLauncher cluster) throws Exception {
        long[] ticks = new long[cluster.size()];
        for (int server = 0; server < cluster.size(); server++) {
            String stat = Files.readString(Path.of("/proc/" + cluster.pid(server) + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks[server] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks;
    }

    private static long lastIndex(ServerLauncher cluster, int server) throws Exception {
        String body = cluster.get(server, "/beacon/v1/cluster", 5000).body();
        int at = body.indexOf("\"lastIndex\":");
        return Long.parseLong(body.substring(at + 12, body.indexOf(',', at)));
    }

    /** Heap in use after a full collection, from jcmd (the JDK's own tool). */
    private static String heapAfterGc(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        run(jcmd.toString(), String.valueOf(pid), "GC.run");
        String info = run(jcmd.toString(), String.valueOf(pid), "GC.heap_info");
        long usedKb = 0;
        for (String line : info.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*\\S+\\s+total \\d+K, used (\\d+)K")
                    .matcher(line);
            if (m.find()) {
                usedKb += Long.parseLong(m.group(1));
            }
        }
        return usedKb / 1024 + " MB";
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
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
