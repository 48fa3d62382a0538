package io.beacon.testkit.sim;

import java.util.List;

/**
 * The outcome of one run.
 *
 * @param failure   null if every check passed
 * @param traceHash a hash of every event: the same seed must give the same value
 * @param timeline  the faults injected, with virtual times, for reading a failure back
 */
public record SimulationResult(SimulationOptions options, String failure, long traceHash, long events,
                               long virtualMicros, int operations, int acknowledgedWrites, long committedEntries,
                               List<String> timeline) {
    public boolean passed() {
        return failure == null;
    }
}
