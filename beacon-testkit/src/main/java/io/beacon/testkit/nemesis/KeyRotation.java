package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The keys a workload's operations act on: a few active at a time, each retired once it has been given its share
 * of operations and replaced by a fresh one. The checker's search is exponential in the concurrent operations of a
 * key and grows with its history, so each key gets about 100–200 operations however fast the cluster answers
 * (Jepsen's "independent keys").
 */
final class KeyRotation {
    private final String prefix;
    private final int operationsPerKey;
    private final String[] active;
    private final int[] used;
    private final List<String> all = new ArrayList<>();

    KeyRotation(String prefix, int activeKeys, int operationsPerKey) {
        this.prefix = prefix;
        this.operationsPerKey = operationsPerKey;
        this.active = new String[activeKeys];
        this.used = new int[activeKeys];
        for (int slot = 0; slot < activeKeys; slot++) {
            active[slot] = fresh();
        }
    }

    /** An active key for one more operation. */
    synchronized String pick(SplittableRandom random) {
        int slot = random.nextInt(active.length);
        if (used[slot] == operationsPerKey) {
            active[slot] = fresh();
            used[slot] = 0;
        }
        used[slot]++;
        return active[slot];
    }

    /** Every key handed out or active, in the order they were made. */
    synchronized List<String> all() {
        return List.copyOf(all);
    }

    private String fresh() {
        String key = prefix + all.size();
        all.add(key);
        return key;
    }
}
