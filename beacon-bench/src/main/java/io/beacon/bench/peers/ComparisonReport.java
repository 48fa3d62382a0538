package io.beacon.bench.peers;

import io.beacon.bench.Dirs;
import io.beacon.bench.cluster.LoadStep;
import io.beacon.bench.cluster.NacosBenchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns what a run of {@link CompareMain} measured into its {@link Report} (a table and a chart per figure,
 * Beacon's column next to each peer's, ratios computed) and into the three ratio lines the run ends with.
 */
final class ComparisonReport {
    static final String BEACON = "beacon";
    static final String ETCD = "etcd (gRPC)";
    static final String SOFAJRAFT = "sofajraft";
    private static final String NACOS = "Nacos 1.1.4 (beat model)";

    private final Measured measured;
    private final Report report;

    ComparisonReport(Measured measured, NacosBenchmark.Memory memory, List<Integer> clients,
                     List<Integer> idleServices, String caption) {
        this.measured = measured;
        this.report = new Report("Beacon side by side with etcd and SOFAJRaft", caption);
        loadTables("Writes", measured.writes, clients);
        loadTables("Linearizable reads", measured.reads, clients);
        if (!measured.failover.isEmpty()) {
            failoverTable();
        }
        if (!measured.idle.isEmpty()) {
            idleTables(idleServices);
        }
        if (memory != null) {
            memoryTable(memory);
        }
        report.note("Every system runs as three processes on loopback on the same machine, with fsync on, driven "
                + "by the same closed-loop load generator (each client waits for its answer; 64-byte values; "
                + "requests go to the leader). Every ratio is the way round that puts Beacon ahead above 1: "
                + "Beacon's figure over the peer's for operations per second, the peer's over Beacon's for "
                + "milliseconds and bytes.");
    }

    /** Writes report.md and the charts into dir. */
    void write(Path dir) throws IOException {
        report.write(dir);
    }

    String markdown() {
        return report.markdown();
    }

    /**
     * {@code ratio writes/s beacon/etcd = X}, {@code ratio writes/s beacon/sofajraft = Y} (at the most clients
     * measured) and {@code failover p99 ms beacon = Z etcd = W sofajraft = V}; n/a where a system did not run.
     */
    List<String> ratioLines() {
        return List.of("ratio writes/s beacon/etcd = " + writeRatio(ETCD),
                "ratio writes/s beacon/sofajraft = " + writeRatio(SOFAJRAFT),
                "failover p99 ms beacon = " + failoverP99(BEACON) + " etcd = " + failoverP99(ETCD)
                        + " sofajraft = " + failoverP99(SOFAJRAFT));
    }

    private String writeRatio(String peer) {
        Map<Integer, LoadStep.Result> beacon = measured.writes.get(BEACON);
        Map<Integer, LoadStep.Result> other = measured.writes.get(peer);
        if (beacon == null || other == null) {
            return "n/a";
        }
        int most = -1;
        for (int clients : beacon.keySet()) {
            if (other.containsKey(clients) && clients > most) {
                most = clients;
            }
        }
        if (most < 0 || other.get(most).perSecond() <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", beacon.get(most).perSecond() / other.get(most).perSecond());
    }

    private String failoverP99(String system) {
        List<Double> millis = measured.failover.get(system);
        return millis == null ? "n/a" : String.format(Locale.ROOT, "%.0f", percentile(millis, 99));
    }

    private void loadTables(String what, Map<String, Map<Integer, LoadStep.Result>> steps, List<Integer> clients) {
        if (steps.isEmpty()) {
            return;
        }
        List<String> systems = new ArrayList<>(steps.keySet());
        table(what + "/s (64-byte values, fsync on, 3 nodes)", "clients", systems, what.toLowerCase(Locale.ROOT)
                + "/s", steps, clients, LoadStep.Result::perSecond, true);
        table(what + ": p50 latency", "clients", systems, "ms", steps, clients, LoadStep.Result::p50Millis, false);
        table(what + ": p99 latency", "clients", systems, "ms", steps, clients, LoadStep.Result::p99Millis, false);
        table(what + ": p99.9 latency", "clients", systems, "ms", steps, clients, LoadStep.Result::p999Millis,
                false);
        // Less sensitive than throughput to what else the shared machine runs: compare efficiency with it.
        table(what + ": server CPU per operation (the 3 processes, user + system)", "clients", systems, "µs", steps,
                clients, LoadStep.Result::cpuMicrosPerOp, false);
    }

    private void table(String title, String rowHeader, List<String> systems, String unit,
                       Map<String, Map<Integer, LoadStep.Result>> steps, List<Integer> clients,
                       ToDoubleFunction<LoadStep.Result> figure, boolean moreIsBetter) {
        Table table = report.table(title, rowHeader, systems, unit);
        for (int count : clients) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (String system : systems) {
                LoadStep.Result step = steps.get(system).get(count);
                if (step != null) {
                    row.put(system, figure.applyAsDouble(step));
                }
            }
            table.row(String.valueOf(count), row);
        }
        addRatios(table, systems, moreIsBetter);
    }

    /**
     * A ratio column for each peer in the table, the way round that puts Beacon ahead above 1: Beacon's figure
     * over the peer's where more is better (operations per second), the peer's over Beacon's where less is
     * (milliseconds, bytes).
     */
    private static void addRatios(Table table, List<String> systems, boolean moreIsBetter) {
        if (!systems.contains(BEACON)) {
            return;
        }
        for (String peer : systems) {
            if (!peer.equals(BEACON)) {
                if (moreIsBetter) {
                    table.ratio(BEACON + "/" + peer, BEACON, peer);
                } else {
                    table.ratio(peer + "/" + BEACON, peer, BEACON);
                }
            }
        }
    }

    private void failoverTable() {
        List<String> systems = new ArrayList<>(measured.failover.keySet());
        Table table = report.table("Failover: kill -9 of the leader under load, to the first write a surviving "
                + "node acknowledges", "percentile", systems, "ms");
        for (int percent : new int[] {50, 99}) {
            Map<String, Double> row = new LinkedHashMap<>();
            measured.failover.forEach((system, millis) -> row.put(system, percentile(millis, percent)));
            table.row("p" + percent, row);
        }
        Map<String, Double> max = new LinkedHashMap<>();
        measured.failover.forEach((system, millis) -> max.put(system, percentile(millis, 100)));
        table.row("max", max);
        addRatios(table, systems, false);
        int trials = measured.failover.values().iterator().next().size();
        table.note(trials + (trials == 1 ? " trial" : " trials") + " per system, the killed node restarted "
                + "after each. Nacos 1.1.4 by its constants: 15-20 s to notice the leader is gone plus about 5 s "
                + "to the new leader's first beat, so 20,000-25,000 ms of failed writes.");
    }

    private void idleTables(List<Integer> services) {
        Table bytes = report.table("Idle: bytes/s between the nodes of a 3-node cluster", "services",
                List.of(BEACON, NACOS), "bytes/s");
        Table cpu = report.table("Idle: CPU of the 3 nodes together", "services", List.of(BEACON),
                "% of one core");
        for (int count : services) {
            IdleCost.Figures idle = measured.idle.get(count);
            if (idle == null) {
                continue;
            }
            String label = String.format(Locale.ROOT, "%,d", count);
            bytes.row(label, idle.peerBytesPerSecond(), NacosBeat.of(count).bytesPerSecond());
            cpu.row(label, idle.cpuPercentOfCore());
        }
        bytes.ratio("nacos/" + BEACON, NACOS, BEACON);
        bytes.note("Beacon measured: TCP payload between its nodes as the kernel counts it (ss), each service "
                + "holding one persistent instance, no client traffic. Nacos 1.1.4: its leader's beat for the same "
                + "services built byte for byte (every key with its timestamp, JSON inside JSON, gzip) with its "
                + "HTTP request and the followers' replies, every 5 s to each of 2 followers.");
        cpu.note("User and system time of the three server processes over the measured seconds.");
    }

    private void memoryTable(NacosBenchmark.Memory memory) {
        Table table = report.table(String.format(Locale.ROOT, "Memory and restart with %,d persistent instances "
                + "(1,000 per service)", memory.instances()), "figure", List.of(BEACON), "");
        table.row("heap MB per 1,000,000 instances", memory.heapMbPerMillion());
        table.row("data directory MB", (double) memory.diskMb());
        table.row("restart to health check, s", memory.healthySeconds());
        table.row("restart to serving a linearizable list, s", memory.servingSeconds());
        table.note("Heap in use after a full GC, less the heap before registering; median of the 3 servers (G1, "
                + "3 GB heaps). Restart: kill -9 of a follower, then start, to its health check answering and to "
                + "its first linearizable list holding every instance of a service.");
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return Dirs.percentile(sorted, percent);
    }
}
