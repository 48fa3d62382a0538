package io.beacon.testkit.sim;

/** What a node answered a client. */
sealed interface ClientResponse {
    /** A read's value (null when the key is absent). */
    record ReadValue(String value) implements ClientResponse {
    }

    /** A write or compare-and-set committed; for a compare-and-set, whether it swapped. */
    record Applied(boolean swapped) implements ClientResponse {
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
