package io.beacon.testkit.sim;

/**
 * What a client asks, in the terms of its workload ({@link KvRequest}, {@link RegistryRequest}). Only the workload's
 * clients and its {@link SimApplication} look inside; the rest of the simulator sees a {@link ClientOperation}.
 */
interface ClientRequest {
    /** A short upper-case name for timelines, e.g. READ, CAS, REGISTER. */
    String name();
}
