package io.beacon.testkit.sim;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bin/beacon-sim}: runs seeds of the cluster simulation and ends with the line "N passed, M failed".
 * Every failure prints its seed, what broke and the command that replays it. Seeds run in parallel on
 * worker threads; each run is single-threaded and deterministic.
 */
@Command(name = "beacon-sim", mixinStandardHelpOptions = true,
        description = "Runs Beacon's Raft core (and, with --workload registry, its naming registry) under seeded "
                + "faults and checks every safety invariant.")
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--seeds", description = "How many seeds to run (default: 1 with --seed, else 100).")
    Integer seeds;

    @Option(names = "--seed", description = "The first seed (default 1).")
    Long seed;

    @Option(names = "--nodes", description = "Cluster size: 3 or 5 (default 3).")
    int nodes = 3;

    @Option(names = "--steps", description = "Events in the fault phase (default " + SimulationOptions.DEFAULT_STEPS + ").")
    int steps = SimulationOptions.DEFAULT_STEPS;

    @Option(names = "--clients", description = "Concurrent clients (default 4; with --workload registry, clients "
            + "of persistent instances, besides " + RegistryClients.EPHEMERAL_CLIENTS + " of ephemeral ones).")
    int clients = 4;

    @Option(names = "--workload", converter = WorkloadConverter.class,
            description = "What the cluster replicates: kv (compare-and-set registers, checked per key) or registry "
                    + "(Beacon's naming registry: persistent instances checked as a set per service, ephemeral "
                    + "instances beaten through the leader and checked for expiry; default kv).")
    Workload workload = Workload.KV;

    @Option(names = "--faults", split = ",",
            description = "Faults to inject: partition, crash, pause, lossy, slow, clock, all or none (default all).")
    List<String> faults = List.of("all");

    @Option(names = "--membership", description = "Also change members at random times: add, remove (the leader "
            + "too), replace, re-add, wipe and swap in, transfer leadership.")
    boolean membership;

    @Option(names = "--snapshots", description = "Also take snapshots at random times, with small snapshot "
            + "thresholds, short log tails and small InstallSnapshot chunks.")
    boolean snapshots;

    @Option(names = "--lease-ticks", description = "Serve reads from a leader lease of this many ticks (default 0: ReadIndex).")
    int leaseTicks;

    @Option(names = "--threads", description = "Worker threads (default: available processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--verbose", description = "Print a line per seed and the fault timeline of failures.")
    boolean verbose;

    @Option(names = "--timeline", description = "Print the fault timeline of every seed, passed or failed.")
    boolean timeline;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long first = seed == null ? 1 : seed;
        int count = seeds != null ? seeds : (seed != null ? 1 : 100);
        Set<Fault> enabled = parseFaults(faults);
        if (membership) {
            enabled.add(Fault.MEMBERSHIP);
        }
        if (snapshots) {
            enabled.add(Fault.SNAPSHOT);
        }
        SimulationOptions template = new SimulationOptions(first, nodes, steps, clients, enabled, leaseTicks, workload);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<SimulationResult>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SimulationOptions options = template.withSeed(first + i);
                runs.add(pool.submit(() -> Simulation.run(options)));
            }
            int passed = 0;
            int failed = 0;
            long events = 0;
            long started = System.nanoTime();
            for (Future<SimulationResult> run : runs) {
                SimulationResult result = run.get();
                events += result.events();
                if (result.passed()) {
                    passed++;
                    if (verbose) {
                        System.out.printf(Locale.ROOT, "seed %d passed: %d events, %.1fs virtual, %d operations, "
                                        + "%d acknowledged writes, %d entries committed, trace %016x%n",
                                result.options().seed(), result.events(), result.virtualMicros() / 1e6,
                                result.operations(), result.acknowledgedWrites(), result.committedEntries(),
                                result.traceHash());
                    }
                    if (timeline) {
                        result.timeline().forEach(line -> System.out.println("  " + line));
                    }
                } else {
                    failed++;
                    System.out.printf("seed %d FAILED %s%n  replay: %s%n", result.options().seed(), result.failure(),
                            result.options().replayCommand());
                    if (verbose || timeline) {
                        result.timeline().forEach(line -> System.out.println("  " + line));
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.err.printf(Locale.ROOT, "%d seeds, %d events in %.1fs (%.0f events/s)%n", count, events, seconds,
                    events / seconds);
            System.out.println(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads kv or registry, in any case. */
    static final class WorkloadConverter implements CommandLine.ITypeConverter<Workload> {
        @Override
        public Workload convert(String value) {
            try {
                return Workload.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown workload '" + value
                        + "'; expected kv or registry");
            }
        }
    }

    static Set<Fault> parseFaults(List<String> names) {
        Set<Fault> result = EnumSet.noneOf(Fault.class);
        for (String name : names) {
            String normalized = name.trim().toUpperCase(Locale.ROOT);
            if (normalized.equals("ALL")) {
                result.addAll(Fault.classic());
            } else if (!normalized.equals("NONE") && !normalized.isEmpty()) {
                try {
                    result.add(Fault.valueOf(normalized));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(new CommandLine(new SimulatorMain()),
                            "unknown fault '" + name + "'; expected partition, crash, pause, lossy, slow, clock, all or none");
                }
            }
        }
        return result;
    }
}
