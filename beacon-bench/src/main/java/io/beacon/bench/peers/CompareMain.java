package io.beacon.bench.peers;

import io.beacon.bench.Dirs;
import io.beacon.bench.cluster.LoadStep;
import io.beacon.bench.cluster.NacosBenchmark;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bin/beacon-bench}: Beacon next to etcd and SOFAJRaft on this machine, in one run, with one load generator
 * ({@link KvLoad}) and one failover timer ({@link FailoverTrials}); Beacon's idle cost next to Nacos 1.1.4's
 * heartbeat for the same services ({@link NacosBeat}); Beacon's memory per million instances. Writes a Markdown
 * report with a chart per table, and ends with three lines of ratios.
 */
@Command(name = "beacon-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Beacon side by side with etcd and SOFAJRaft: writes, linearizable reads, failover, idle "
                + "cost and memory; a Markdown report with SVG charts.")
public final class CompareMain implements Callable<Integer> {
    @Option(names = "--quick", description = "Writes at 16 and 128 clients (4 s each) and 5 failover trials per "
            + "system: under 5 minutes. Other options given still apply.")
    boolean quick;

    @Option(names = "--systems", split = ",", description = "Which systems, in order (default: "
            + "beacon,etcd,etcd-http,sofajraft; --quick: beacon,etcd,sofajraft).")
    List<String> systems;

    @Option(names = "--clients", split = ",", description = "Concurrent clients per step (default 1,16,64,128; "
            + "--quick: 16,128).")
    List<Integer> clients;

    @Option(names = "--seconds", description = "Measured seconds per step, after 2 s of warm-up (default 10; "
            + "--quick: 4).")
    Integer seconds;

    @Option(names = "--warmup", description = "Seconds of writes at the most clients before the first measured "
            + "step, not measured, so that the JVMs' compilers have done their work before anything is measured "
            + "(default 20; --quick: 10; 0 for none).")
    Integer warmupSeconds;

    @Option(names = "--reads", negatable = true, description = "Measure linearizable reads too (default: yes; "
            + "--quick: no).")
    Boolean reads;

    @Option(names = "--trials", description = "Failover trials per system, 0 for none (default 20; --quick: 5).")
    Integer trials;

    @Option(names = "--services", split = ",", description = "Idle cost at these numbers of services, none to "
            + "skip (default 1000,10000,100000; --quick: none).")
    List<String> services;

    @Option(names = "--idle-seconds", defaultValue = "20", description = "Measured seconds of each idle step.")
    int idleSeconds;

    @Option(names = "--memory", description = "Instances for the memory table, 0 to skip (default 1000000; "
            + "--quick: 0).")
    Integer memoryInstances;

    @Option(names = "--heap", defaultValue = "256m", description = "-Xms and -Xmx of the Beacon and SOFAJRaft "
            + "server JVMs, the same for both (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--collector", defaultValue = "parallel", description = "Their collector, the same for both: "
            + "parallel or g1 (default ${DEFAULT-VALUE}).")
    String collector;

    @Option(names = "--out", description = "Where the report goes (default bench-results, --quick: "
            + "bench-results/quick, in the source checkout).")
    Path out;

    @Option(names = "--data", description = "Where the clusters keep their data, deleted at the end (default "
            + "beacon-bench/target/compare in the source checkout).")
    Path data;

    private final PrintStream log;
    private ServerJvm jvm;

    public CompareMain() {
        this(System.out);
    }

    CompareMain(PrintStream log) {
        this.log = log;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CompareMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        quietLogs();
        applyDefaults();
        String machine = Machine.describe();
        log.println("machine: " + machine);
        log.println("server JVMs (Beacon, SOFAJRaft): " + jvm.description());
        Measured measured = new Measured();
        try {
            for (String system : systems) {
                measureSystem(system, measured);
            }
            if (!services.isEmpty()) {
                measureIdle(measured);
            }
            NacosBenchmark.Memory memory = null;
            if (memoryInstances > 0) {
                Path memoryData = emptyDirectory(data.resolve("memory"));
                memory = NacosBenchmark.memory(memoryInstances, memoryData);
            }
            String after = Machine.load();
            log.println("load after: " + after);
            ComparisonReport report = new ComparisonReport(measured, memory, clients, idleServices(),
                    Report.caption(machine + " · Server JVMs: " + jvm.description(), after + " after the run",
                            LocalDate.now().toString()));
            report.write(out);
            log.println();
            log.println(report.markdown());
            log.println("report: " + out.resolve("report.md"));
            for (String line : report.ratioLines()) {
                log.println(line);
            }
        } finally {
            Dirs.delete(data);
        }
        return 0;
    }

    /**
     * Warnings only, and from the etcd client errors only: it warns of every request that fails, and failover
     * makes many fail on purpose.
     */
    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            context.getLogger("io.etcd.jetcd").setLevel(Level.ERROR);
        }
    }

    private void applyDefaults() {
        if (systems == null) {
            systems = quick ? List.of("beacon", "etcd", "sofajraft")
                    : List.of("beacon", "etcd", "etcd-http", "sofajraft");
        }
        for (String system : systems) {
            Systems.check(system);
        }
        if (clients == null) {
            clients = quick ? List.of(16, 128) : List.of(1, 16, 64, 128);
        }
        seconds = seconds != null ? seconds : quick ? 4 : 10;
        warmupSeconds = warmupSeconds != null ? warmupSeconds : quick ? 10 : 20;
        reads = reads != null ? reads : !quick;
        trials = trials != null ? trials : quick ? 5 : 20;
        if (services == null) {
            services = quick ? List.of() : List.of("1000", "10000", "100000");
        }
        services = services.stream().filter(s -> !s.isBlank() && !s.equals("none")).toList();
        memoryInstances = memoryInstances != null ? memoryInstances : quick ? 0 : 1_000_000;
        jvm = ServerJvm.of(heap, collector);
        // bin/beacon-bench names the source checkout, so that the defaults do not depend on the directory it is
        // run from.
        Path checkout = Path.of(System.getProperty("beacon.repo", "."));
        out = out != null ? out : checkout.resolve(quick ? "bench-results/quick" : "bench-results");
        data = data != null ? data : checkout.resolve("beacon-bench/target/compare");
    }

    private List<Integer> idleServices() {
        List<Integer> counts = new ArrayList<>();
        for (String count : services) {
            counts.add(Integer.parseInt(count.trim()));
        }
        return counts;
    }

    /** Starts a fresh cluster of the system, runs its load steps and its failover trials, and stops it. */
    private void measureSystem(String system, Measured measured) throws Exception {
        Path dir = emptyDirectory(data.resolve(system));
        try (KvCluster cluster = Systems.create(system, dir, jvm)) {
            log.printf("%n== %s: starting 3 nodes (load %s)%n", cluster.name(), Machine.load());
            cluster.start();
            if (warmupSeconds > 0) {
                int most = Collections.max(clients);
                LoadStep.Result warm = KvLoad.step(cluster, KvLoad.Kind.WRITES, most, warmupSeconds);
                log.printf("%s warm-up, %d s of writes at %d clients (not measured): %.0f/s%n", cluster.name(),
                        warmupSeconds, most, warm.perSecond());
            }
            for (int count : clients) {
                LoadStep.Result step = KvLoad.step(cluster, KvLoad.Kind.WRITES, count, seconds);
                measured.write(cluster.name(), count, step);
                log.printf("%s writes, %3d clients: %8.0f/s  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  server CPU "
                        + "%.0f µs/write%n", cluster.name(), count, step.perSecond(), step.p50Millis(),
                        step.p99Millis(), step.p999Millis(), step.cpuMicrosPerOp());
            }
            if (reads) {
                for (int count : clients) {
                    LoadStep.Result step = KvLoad.step(cluster, KvLoad.Kind.READS, count, seconds);
                    measured.read(cluster.name(), count, step);
                    log.printf("%s linearizable reads, %3d clients: %8.0f/s  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f "
                            + "ms  server CPU %.0f µs/read%n", cluster.name(), count, step.perSecond(),
                            step.p50Millis(), step.p99Millis(), step.p999Millis(), step.cpuMicrosPerOp());
                }
            }
            if (trials > 0 && Systems.measuresFailover(system)) {
                measured.failover.put(cluster.name(), FailoverTrials.run(cluster, trials, log));
            }
        } finally {
            Dirs.delete(dir);
        }
    }

    /**
     * The directory, emptied: a run that was killed leaves its clusters' data behind, and servers started on
     * another run's data form no cluster (they waited out the 60 s health check).
     */
    private static Path emptyDirectory(Path dir) throws IOException {
        if (!Dirs.delete(dir)) {
            throw new IOException("cannot empty " + dir + ", left by an earlier run");
        }
        return Files.createDirectories(dir);
    }

    /** Beacon idle with growing numbers of services, each holding one persistent instance. */
    private void measureIdle(Measured measured) throws Exception {
        Path dir = emptyDirectory(data.resolve("idle"));
        try (BeaconCluster cluster = new BeaconCluster(dir, jvm)) {
            log.printf("%n== idle cost: beacon (load %s)%n", Machine.load());
            cluster.start();
            int registered = 0;
            for (int count : idleServices()) {
                long failed = NacosBenchmark.registerServices(cluster.servers(), registered, count);
                registered = count;
                Thread.sleep(5000);
                IdleCost.Figures idle = IdleCost.measure(cluster, idleSeconds);
                measured.idle.put(count, idle);
                log.printf("beacon idle with %d services (%d registrations failed twice): %.0f bytes/s between "
                        + "nodes, CPU %.1f%% of a core (3 nodes)%n", count, failed, idle.peerBytesPerSecond(),
                        idle.cpuPercentOfCore());
            }
        } finally {
            Dirs.delete(dir);
        }
    }
}
