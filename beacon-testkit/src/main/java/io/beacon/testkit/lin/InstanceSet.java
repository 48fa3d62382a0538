// Owns: the set of instances of one service, as the set model's state and as what a list returned.
package io.beacon.testkit.lin;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The instances (by address, e.g. {@code 10.0.0.1:8080}) of one service. Immutable, sorted (so it prints the same
 * on every run), with value-based {@code equals} and {@code hashCode} for the checker's memoisation. Used both as the
 * model state and as the output of a list, so a list that returned the empty set differs from a list whose output is
 * unknown (a null output).
 */
public record InstanceSet(SortedSet<String> instances) {

    public static final InstanceSet EMPTY = new InstanceSet(new TreeSet<>());

    public InstanceSet {
        instances = Collections.unmodifiableSortedSet(new TreeSet<>(instances));
    }

    public static InstanceSet of(String... instances) {
        return new InstanceSet(new TreeSet<>(java.util.List.of(instances)));
    }

    public static InstanceSet of(Collection<String> instances) {
        return new InstanceSet(new TreeSet<>(instances));
    }

    public boolean contains(String instance) {
        return instances.contains(instance);
    }

    public InstanceSet with(String instance) {
        if (instances.contains(instance)) {
            return this;
        }
        TreeSet<String> more = new TreeSet<>(instances);
        more.add(instance);
        return new InstanceSet(more);
    }

    public InstanceSet without(String instance) {
        if (!instances.contains(instance)) {
            return this;
        }
        TreeSet<String> fewer = new TreeSet<>(instances);
        fewer.remove(instance);
        return new InstanceSet(fewer);
    }

    @Override
    public String toString() {
        return instances.toString();
    }
}
