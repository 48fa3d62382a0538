package io.beacon.testkit.sim;

/**
 * What one workload's clients do: which operation each client runs next, and how each ending is recorded in the
 * workload's history. {@link SimClients} runs the clients (one operation at a time each, timeouts, redirects to the
 * leader) and calls back here.
 */
interface ClientWorkload {
    int clientCount();

    /**
     * The client's next operation, already invoked in the workload's history at {@code now}; null if it has nothing
     * to do for now (it is asked again after {@link #pause}).
     */
    ClientOperation next(int client, long operationId, long now);

    /** How long a client waits after an operation ends before it starts the next. */
    long pause(int client);

    /** The simulation stops the clients: from now on only those that {@link #keepsRunning} go on. */
    default void stopping() {
    }

    /** Whether a client carries on after the simulation stops the clients (one that keeps an instance alive). */
    default boolean keepsRunning(int client) {
        return false;
    }

    /** The operation ended with an answer: a read's value, a write applied, a beat answered. */
    void completed(ClientOperation operation, ClientResponse response, long now);

    /** The operation definitely had no effect. */
    void failed(ClientOperation operation, long now);

    /** The operation may or may not have taken effect: it timed out, or its node could not tell. */
    void unknown(ClientOperation operation, long now);
}
