package io.beacon.testkit.sim;

import java.util.EnumSet;
import java.util.Set;

/**
 * One simulation run.
 *
 * @param seed       decides everything: timeouts, delays, faults, client operations
 * @param nodes      cluster size (3 or 5)
 * @param steps      events in the fault phase, after which faults stop and the cluster must recover
 * @param clients    concurrent clients
 * @param faults     which faults the nemesis injects (snapshots and membership changes among them)
 * @param leaseTicks 0 for ReadIndex reads; otherwise lease reads of this many ticks (clock faults stay within
 *                   the margin such a lease needs)
 * @param workload   what the cluster replicates and the clients do
 */
public record SimulationOptions(long seed, int nodes, int steps, int clients, Set<Fault> faults, int leaseTicks,
                                Workload workload) {
    public static final int DEFAULT_STEPS = 20_000;

    public SimulationOptions {
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5, was " + nodes);
        }
        if (steps <= 0 || clients <= 0) {
            throw new IllegalArgumentException("--steps and --clients must be positive");
        }
        faults = Set.copyOf(faults);
        java.util.Objects.requireNonNull(workload, "workload");
    }

    /** A run of the key-value workload. */
    public SimulationOptions(long seed, int nodes, int steps, int clients, Set<Fault> faults, int leaseTicks) {
        this(seed, nodes, steps, clients, faults, leaseTicks, Workload.KV);
    }

    /** Every classic fault; no membership changes or snapshots (see {@link #withMembershipAndSnapshots()}). */
    public static SimulationOptions defaults(long seed) {
        return new SimulationOptions(seed, 3, DEFAULT_STEPS, 4, Fault.classic(), 0);
    }

    /** Adds random membership changes and snapshots (with small snapshot thresholds) to the faults. */
    public SimulationOptions withMembershipAndSnapshots() {
        EnumSet<Fault> more = EnumSet.copyOf(faults.isEmpty() ? EnumSet.noneOf(Fault.class) : faults);
        more.add(Fault.MEMBERSHIP);
        more.add(Fault.SNAPSHOT);
        return withFaults(more);
    }

    public SimulationOptions withSeed(long newSeed) {
        return new SimulationOptions(newSeed, nodes, steps, clients, faults, leaseTicks, workload);
    }

    public SimulationOptions withNodes(int count) {
        return new SimulationOptions(seed, count, steps, clients, faults, leaseTicks, workload);
    }

    public SimulationOptions withSteps(int count) {
        return new SimulationOptions(seed, nodes, count, clients, faults, leaseTicks, workload);
    }

    public SimulationOptions withLeaseTicks(int ticks) {
        return new SimulationOptions(seed, nodes, steps, clients, faults, ticks, workload);
    }

    public SimulationOptions withWorkload(Workload chosen) {
        return new SimulationOptions(seed, nodes, steps, clients, faults, leaseTicks, chosen);
    }

    public SimulationOptions withFaults(Set<Fault> enabled) {
        return new SimulationOptions(seed, nodes, steps, clients, enabled, leaseTicks, workload);
    }

    /** The command line that replays this run. */
    public String replayCommand() {
        StringBuilder command = new StringBuilder("bin/beacon-sim --seed ").append(seed).append(" --nodes ")
                .append(nodes).append(" --steps ").append(steps);
        if (clients != 4) {
            command.append(" --clients ").append(clients);
        }
        if (workload != Workload.KV) {
            command.append(" --workload ").append(workload.name().toLowerCase(java.util.Locale.ROOT));
        }
        java.util.TreeSet<Fault> classic = new java.util.TreeSet<>(faults);
        classic.retainAll(Fault.classic());
        if (!classic.equals(Fault.classic())) {
            command.append(" --faults ").append(classic.isEmpty() ? "none"
                    : String.join(",", classic.stream().map(f -> f.name().toLowerCase()).toList()));
        }
        if (faults.contains(Fault.MEMBERSHIP)) {
            command.append(" --membership");
        }
        if (faults.contains(Fault.SNAPSHOT)) {
            command.append(" --snapshots");
        }
        if (leaseTicks > 0) {
            command.append(" --lease-ticks ").append(leaseTicks);
        }
        return command.toString();
    }
}
