package io.beacon.testkit.sim;

/**
 * One kind of work for the simulated cluster (see {@link Workload}): the application every node runs, the clients
 * that use it, and the checks at the end of a run.
 */
interface SimWorkload {
    /** Budget of the linearizability search per partition; exhausting it is a failure ("unknown"), never a pass. */
    long CHECK_STEPS_PER_PARTITION = 5_000_000;

    /** The application of a node's new life, empty. */
    SimApplication newApplication();

    ClientWorkload clients();

    /** Operations recorded in the history so far. */
    int operations();

    /**
     * Virtual time to let pass once the clients stopped and before the members must converge, for what the workload
     * does on its own (leases expiring); {@code clockSpreadMillis} is how far apart the nodes' clocks are.
     */
    default long settleMicros(long clockSpreadMillis) {
        return 0;
    }

    /**
     * The checks of the end of the run, on the history and on the state every member converged to; throws a
     * {@link SimulationFailure}, or returns a line for the timeline that says what was checked (null for none).
     */
    String verify(SimApplication converged, long now);
}
