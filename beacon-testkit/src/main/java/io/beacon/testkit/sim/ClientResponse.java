package io.beacon.testkit.sim;

/** What a node answered a client. */
sealed interface ClientResponse {
    /** A read's value, in its workload's terms (for the key-value store, null when the key is absent). */
    record ReadValue(Object value) implements ClientResponse {
    }

    /** A write or compare-and-set committed; for a compare-and-set, whether it swapped. */
    record Applied(boolean swapped) implements ClientResponse {
    }

    /** The leader took a beat: whether it knew the instance (if not, the client registers it again). */
    record Beat(boolean known) implements ClientResponse {
    }

    /** The node is not the leader; nothing happened. Try the hinted leader (0 if unknown). */
    record Redirect(long leaderHint) implements ClientResponse {
    }

    /**
     * The node cannot tell whether it was done: the entry it proposed arrived inside a snapshot from the leader,
     * so it was never applied here one by one. The client records the outcome as unknown.
     */
    record Unknown(String reason) implements ClientResponse {
    }

    /** Definitely not done: no effect. */
    record Failed(String reason) implements ClientResponse {
    }
}
