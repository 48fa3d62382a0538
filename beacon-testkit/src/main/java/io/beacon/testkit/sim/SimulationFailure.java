package io.beacon.testkit.sim;

/** A broken invariant or liveness bound found by the simulator. */
public final class SimulationFailure extends RuntimeException {
    public SimulationFailure(String message) {
        super(message);
    }
}
