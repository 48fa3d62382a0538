package io.beacon.testkit.sim;

import java.util.SplittableRandom;

/** What the simulated cluster replicates and its clients do: {@code bin/beacon-sim --workload kv|registry}. */
public enum Workload {
    /** A key-value store of compare-and-set registers, checked per key. */
    KV {
        @Override
        SimWorkload create(SplittableRandom random, int clients) {
            return new KvWorkload(random, clients);
        }
    },
    /**
     * Beacon's naming registry with persistent instances checked as a set per service, and ephemeral instances
     * beaten through the leader, checked for expiry and convergence.
     */
    REGISTRY {
        @Override
        SimWorkload create(SplittableRandom random, int clients) {
            return new RegistryWorkload(random, clients);
        }
    };

    /** The workload of one run; its clients draw from random. */
    abstract SimWorkload create(SplittableRandom random, int clients);
}
