package io.beacon.testkit.sim;

/**
 * A client request of the key-value workload: read a key, write it, or compare-and-set it.
 *
 * @param value    the value a write or compare-and-set stores; null for a read
 * @param expected the value a compare-and-set expects; null otherwise
 */
record KvRequest(Kind kind, String key, String value, String expected) implements ClientRequest {
    enum Kind { READ, WRITE, CAS }

    @Override
    public String name() {
        return kind.name();
    }
}
