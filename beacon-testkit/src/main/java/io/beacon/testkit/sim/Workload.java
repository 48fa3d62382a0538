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
    };

    /** The workload of one run; its clients draw from random. */
    abstract SimWorkload create(SplittableRandom random, int clients);
}
