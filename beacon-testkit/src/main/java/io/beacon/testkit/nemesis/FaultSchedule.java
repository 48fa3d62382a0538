// Owns: which fault comes next and for how long, from a seed. No clocks, no processes.
package io.beacon.testkit.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded order of a nemesis run's faults. Faults come in rounds: each round is every listed type once, in an
 * order shuffled by the seed (as a "bag"), so every type occurs within any {@code types.size()} consecutive faults
 * and a short run still sees each. Each planned fault gets a duration in [min, max] and a seed of its own for the
 * choices it makes (which node, which variant), so the same seed gives the same plan.
 */
public final class FaultSchedule {
    /** The default bounds of a fault's duration: beyond the 0.5–1 s election timeout, short enough for CI. */
    public static final Duration DEFAULT_MIN = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(6);

    /** One fault of the plan: its number (from 1), type, how long it stays before it is healed, its own seed. */
    public record PlannedFault(int number, FaultType type, Duration duration, long seed) {
    }

    private final List<FaultType> types;
    private final long seed;
    private final Duration min;
    private final Duration max;
    private final SplittableRandom random;
    private final List<FaultType> bag = new ArrayList<>();
    private int planned;

    public FaultSchedule(List<FaultType> types, long seed, Duration min, Duration max) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a fault schedule needs at least one fault type");
        }
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("fault durations need 0 < min <= max, were " + min + " and " + max);
        }
        this.types = List.copyOf(types);
        this.seed = seed;
        this.min = min;
        this.max = max;
        this.random = new SplittableRandom(seed);
    }

    /** The types given, with durations of 2 to 6 s. */
    public static FaultSchedule of(List<FaultType> types, long seed) {
        return new FaultSchedule(types, seed, DEFAULT_MIN, DEFAULT_MAX);
    }

    public List<FaultType> types() {
        return types;
    }

    /** The next fault of the plan. */
    public synchronized PlannedFault next() {
        if (bag.isEmpty()) {
            bag.addAll(types);
            for (int i = bag.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                bag.set(i, bag.set(j, bag.get(i)));
            }
        }
        FaultType type = bag.remove(bag.size() - 1);
        long spanMillis = max.toMillis() - min.toMillis();
        Duration duration = min.plusMillis(spanMillis == 0 ? 0 : random.nextLong(spanMillis + 1));
        return new PlannedFault(++planned, type, duration, random.nextLong());
    }

    /** The first count faults of this schedule's plan, without moving this schedule on. */
    public List<PlannedFault> preview(int count) {
        FaultSchedule copy = new FaultSchedule(types, seed, min, max);
        List<PlannedFault> plan = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            plan.add(copy.next());
        }
        return plan;
    }
}
