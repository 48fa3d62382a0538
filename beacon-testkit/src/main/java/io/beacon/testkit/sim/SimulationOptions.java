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
 * @param faults     which faults the nemesis injects
 * @param leaseTicks 0 for ReadIndex reads; otherwise lease reads of this many ticks (clock faults stay within
 *                   the margin such a lease needs)
 */
public record SimulationOptions(long seed, int nodes, int steps, int clients, Set<Fault> faults, int leaseTicks) {
    public static final int DEFAULT_STEPS = 20_000;

    public SimulationOptions {
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5, was " + nodes);
        }
        if (steps <= 0 || clients <= 0) {
            throw new IllegalArgumentException("--steps and --clients must be positive");
        }
        faults = Set.copyOf(faults);
    }

    public static SimulationOptions defaults(long seed) {
        return new SimulationOptions(seed, 3, DEFAULT_STEPS, 4, EnumSet.allOf(Fault.class), 0);
    }

    public SimulationOptions withSeed(long newSeed) {
        return new SimulationOptions(newSeed, nodes, steps, clients, faults, leaseTicks);
    }

    public SimulationOptions withNodes(int count) {
        return new SimulationOptions(seed, count, steps, clients, faults, leaseTicks);
    }

    public SimulationOptions withSteps(int count) {
        return new SimulationOptions(seed, nodes, count, clients, faults, leaseTicks);
    }

    public SimulationOptions withFaults(Set<Fault> enabled) {
        return new SimulationOptions(seed, nodes, steps, clients, enabled, leaseTicks);
    }

    /** The command line that replays this run. */
    public String replayCommand() {
        StringBuilder command = new StringBuilder("bin/beacon-sim --seed ").append(seed).append(" --nodes ")
                .append(nodes).append(" --steps ").append(steps);
        if (clients != 4) {
            command.append(" --clients ").append(clients);
        }
        if (!faults.equals(EnumSet.allOf(Fault.class))) {
            command.append(" --faults ").append(faults.isEmpty() ? "none"
                    : String.join(",", new java.util.TreeSet<>(faults).stream().map(f -> f.name().toLowerCase()).toList()));
        }
        if (leaseTicks > 0) {
            command.append(" --lease-ticks ").append(leaseTicks);
        }
        return command.toString();
    }
}
