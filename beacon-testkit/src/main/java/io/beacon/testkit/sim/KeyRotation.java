package io.beacon.testkit.sim;

import java.util.SplittableRandom;

/**
 * A small set of active keys that clients pick from at random, each retired for a fresh one after a number of
 * uses, as Jepsen's independent keys: the history stays spread over many short partitions, which keeps the
 * linearizability search small even with operations of unknown outcome.
 */
final class KeyRotation {
    private final SplittableRandom random;
    private final String prefix;
    private final int usesPerKey;
    private final String[] active;
    private final int[] uses;
    private int nextKey;

    KeyRotation(SplittableRandom random, String prefix, int activeKeys, int usesPerKey) {
        this.random = random;
        this.prefix = prefix;
        this.usesPerKey = usesPerKey;
        this.active = new String[activeKeys];
        this.uses = new int[activeKeys];
        for (int i = 0; i < activeKeys; i++) {
            active[i] = prefix + nextKey++;
        }
    }

    /** One of the active keys, chosen at random; counts as a use. */
    String next() {
        int slot = random.nextInt(active.length);
        if (++uses[slot] > usesPerKey) {
            active[slot] = prefix + nextKey++;
            uses[slot] = 1;
        }
        return active[slot];
    }
}
