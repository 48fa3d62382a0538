// Owns: the contract of one kind of fault. Implementations own their injection and its undoing.
package io.beacon.testkit.nemesis;

import java.util.SplittableRandom;

/**
 * One kind of fault. {@link #start} injects one instance of it — choosing the node and variant with the random
 * given, so that a seed replays the same choices as far as the cluster behaves the same — and returns what undoes
 * it. It must leave nothing behind if it fails half way. Only one fault is active at a time (see {@link Nemesis}).
 */
public interface Fault {
    FaultType type();

    ActiveFault start(FaultContext context, SplittableRandom random) throws Exception;
}
