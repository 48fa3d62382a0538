package io.beacon.testkit.sim;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/** What the simulated cluster replicates and its clients do: {@code bin/beacon-sim --workload kv|registry}. */
public enum Workload {
    /** A key-value store of compare-and-set registers, checked per key. */
    KV(1) {
        @Override
        SimWorkload create(SplittableRandom random, int clients, LongSupplier virtualNow) {
            return new KvWorkload(random, clients);
        }
    },
    /**
     * Beacon's naming registry with persistent instances checked as a set per service, and ephemeral instances
     * beaten through the leader, checked for expiry and convergence.
     */
    REGISTRY(8) {
        @Override
        SimWorkload create(SplittableRandom random, int clients, LongSupplier virtualNow) {
            return new RegistryWorkload(random, clients, virtualNow);
        }
    };

    private final int snapshotChunkScale;

    Workload(int snapshotChunkScale) {
        this.snapshotChunkScale = snapshotChunkScale;
    }

    /**
     * How much larger than the key-value store's this workload's state grows, roughly: the simulator's small
     * InstallSnapshot chunks grow by as much, so a snapshot takes about as many pieces in every workload. (With the
     * key-value store's chunks, a registry snapshot of a few kilobytes takes longer to send than the leader takes to
     * make two newer ones under load, and a lagging follower never catches up: the runtime keeps only its latest
     * snapshots, as beacon-storage does.)
     */
    int snapshotChunkScale() {
        return snapshotChunkScale;
    }

    /** The workload of one run; its clients draw from random; virtualNow reads the simulation's time. */
    abstract SimWorkload create(SplittableRandom random, int clients, LongSupplier virtualNow);
}
