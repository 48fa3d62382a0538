package io.beacon.testkit.nemesis;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bin/beacon-nemesis}: a fresh cluster of real server JVMs, concurrent clients, faults on a seeded schedule,
 * then heal, settle, final reads through every node, and the check. The last line printed is the verdict; the exit
 * status is 0 only for {@code linearizable} from a cluster that also recovered (converged after healing, and
 * answered every final read), 4 for a linearizable history from a cluster that did not.
 *
 * <p>Partitions need a network namespace of the run's own (the script starts this under {@code unshare --net});
 * there the servers listen on 127.0.0.2, .3, ... with the same ports. Elsewhere (no partition faults) they listen on
 * 127.0.0.1 with free ports.
 */
@Command(name = "beacon-nemesis", mixinStandardHelpOptions = true,
        description = "Faults real Beacon servers under concurrent clients and checks the history.")
public final class NemesisMain implements Callable<Integer> {
    /** Exit status when the run itself could not be carried out (not a verdict). */
    static final int EXIT_ERROR = 3;
    /**
     * Exit status of a run whose history is linearizable but whose cluster did not recover: after the faults were
     * healed it did not converge, or some final read through some server failed.
     */
    static final int EXIT_NOT_RECOVERED = 4;

    @Option(names = "--nodes", description = "servers: 3 or 5 (default ${DEFAULT-VALUE})")
    int nodes = 3;

    @Option(names = "--time", description = "seconds the clients run under faults (default ${DEFAULT-VALUE})")
    int seconds = 60;

    @Option(names = "--faults", description = "kill, pause, partition, clock, fsync, disk, membership, all or none, "
            + "comma-separated (default ${DEFAULT-VALUE})")
    String faults = "all";

    @Option(names = "--workload", description = "kv or registry (default ${DEFAULT-VALUE})")
    String workload = "kv";

    @Option(names = "--seed", description = "the schedule's and the clients' seed (default: random)")
    Long seed;

    @Option(names = "--out", description = "output directory (default nemesis-results/<workload>-<time>)")
    Path out;

    @Option(names = "--clients", description = "concurrent client processes (default ${DEFAULT-VALUE})")
    int clients = 10;

    @Option(names = "--check-seconds", description = "time budget of the linearizability check "
            + "(default ${DEFAULT-VALUE})")
    int checkSeconds = 300;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NemesisMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (nodes != 3 && nodes != 5) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nodes must be 3 or 5, was " + nodes);
        }
        if (seconds <= 0 || clients <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--time and --clients must be positive");
        }
        WorkloadKind kind = WorkloadKind.fromLabel(workload);
        List<FaultType> types = faults.trim().equalsIgnoreCase("none") ? List.of() : FaultType.parseList(faults);
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        Path directory = out != null ? out : Path.of("nemesis-results", kind.label() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(directory);

        boolean ownNamespace = Firewall.whyNotOwnNamespace() == null;
        if (types.contains(FaultType.PARTITION) && !ownNamespace) {
            System.err.println(Firewall.whyNotOwnNamespace());
            return EXIT_ERROR;
        }
        ClusterLayout layout = ownNamespace ? ClusterLayout.ownNamespace(nodes, 8848) : ClusterLayout.freePorts(nodes);
        LaunchOptions options = LaunchOptions.plain().withFiu(types.contains(FaultType.FSYNC))
                .withFaketime(types.contains(FaultType.CLOCK));
        System.out.printf("nemesis: %d nodes, %d s, faults %s, workload %s, %d clients, seed %d, out %s%n", nodes,
                seconds, types.isEmpty() ? "none" : faults, kind.label(), clients, runSeed, directory);
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, load "
                + Files.readString(Path.of("/proc/loadavg")).trim());

        long runStart = System.nanoTime();
        HistoryLog history = HistoryLog.create(directory, () -> System.nanoTime() - runStart);
        FaultLog faultLog = FaultLog.create(directory);
        Operations operations = kind == WorkloadKind.KV ? new KvOperations(8, 150) : new RegistryOperations(8, 150);
        int finalReads;
        int finalReadsPlanned;
        boolean converged = true;
        try (history; faultLog;
             Firewall firewall = ownNamespace ? Firewall.inOwnNamespace() : null;
             ClusterProcesses cluster = ClusterProcesses.create(layout, options, directory)) {
            cluster.startAll(Duration.ofSeconds(60));
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                addresses.add(new InetSocketAddress(layout.host(node), layout.httpPort(node)));
            }
            Clients clientThreads = new Clients(operations, addresses, history);
            Nemesis nemesis = new Nemesis(cluster, firewall, FaultSchedule.of(types, runSeed), faultLog, runStart,
                    Nemesis.Settings.DEFAULTS);
            clientThreads.start(clients, runSeed);
            if (!types.isEmpty()) {
                nemesis.start(Duration.ofSeconds(seconds));
            }
            Thread.sleep(seconds * 1000L);
            clientThreads.stop();
            nemesis.stop();
            if (nemesis.failure() != null) {
                System.out.println("the nemesis stopped early: " + nemesis.failure());
            }
            System.out.printf("%d faults applied; healed; waiting for the cluster to converge%n",
                    nemesis.faultsApplied());
            try {
                cluster.awaitConverged(Duration.ofSeconds(60));
            } catch (ClusterProcesses.NotConvergedException notConverged) {
                converged = false;
                System.out.println("the cluster did not converge within 60 s after healing: "
                        + notConverged.getMessage());
            }
            finalReadsPlanned = operations.keys().size() * nodes;
            finalReads = clientThreads.finalReads();
        }
        System.out.printf("final reads: %d of %d succeeded (every key through every node)%n", finalReads,
                finalReadsPlanned);
        System.out.println("checking " + history.events().size() + " events ...");
        Report.Result result = Report.write(directory, history.events(), faultLog.events(), kind,
                Duration.ofSeconds(checkSeconds));
        System.out.print(result.availability().summary());
        System.out.println("report: " + directory.resolve("timeline.html"));
        boolean recovered = converged && finalReads == finalReadsPlanned;
        if (!recovered) {
            System.out.println("NOT RECOVERED: the cluster did not come back whole after the faults were healed "
                    + "(exit status " + EXIT_NOT_RECOVERED + " if the history is linearizable)");
        }
        System.out.println(result.verdict().label());
        int status = ReportMain.exitStatus(result.verdict());
        return status == 0 && !recovered ? EXIT_NOT_RECOVERED : status;
    }
}
