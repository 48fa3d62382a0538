package io.beacon.bench.peers;

import io.beacon.bench.cluster.LoadStep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one run of the side-by-side benchmark measured, by system name (in the order the systems ran). */
final class Measured {
    /** Write steps by system, then by number of clients. */
    final Map<String, Map<Integer, LoadStep.Result>> writes = new LinkedHashMap<>();
    /** Linearizable read steps by system, then by number of clients. */
    final Map<String, Map<Integer, LoadStep.Result>> reads = new LinkedHashMap<>();
    /** Failover trials by system: milliseconds from the kill to the first acknowledged write, in trial order. */
    final Map<String, List<Double>> failover = new LinkedHashMap<>();
    /** Beacon idle at that many services. */
    final Map<Integer, IdleCost.Figures> idle = new LinkedHashMap<>();

    void write(String system, int clients, LoadStep.Result result) {
        writes.computeIfAbsent(system, s -> new LinkedHashMap<>()).put(clients, result);
    }

    void read(String system, int clients, LoadStep.Result result) {
        reads.computeIfAbsent(system, s -> new LinkedHashMap<>()).put(clients, result);
    }
}
