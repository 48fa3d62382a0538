// Owns: the public entry point: completes and partitions a history, searches each partition, combines verdicts.
package io.beacon.testkit.lin;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Wing-Gong-Lowe linearizability checker with P-compositionality (Lowe 2017; Horn and Kroening 2015).
 *
 * <p>With only a step budget the result is a pure function of the model, the history and the budget: no threads, no
 * clock, no hash-order dependence. A wall-clock timeout is opt-in. An exhausted budget or timeout yields
 * {@link Verdict#UNKNOWN}, never a pass.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    /** Checks a history with a deterministic limit on search steps per partition. */
    public static <S, I, O> CheckResult check(Model<S, I, O> model, List<Operation<I, O>> history,
                                              long stepBudgetPerPartition) {
        return check(model, history, stepBudgetPerPartition, null);
    }

    /**
     * Checks a history with a step budget per partition and, if {@code timeout} is not null, a wall-clock limit for the
     * whole history (partitions not finished by then are UNKNOWN).
     */
    public static <S, I, O> CheckResult check(Model<S, I, O> model, List<Operation<I, O>> history,
                                              long stepBudgetPerPartition, Duration timeout) {
        if (model == null || history == null) {
            throw new IllegalArgumentException("model and history must not be null");
        }
        if (stepBudgetPerPartition <= 0) {
            throw new IllegalArgumentException("step budget must be positive: " + stepBudgetPerPartition);
        }
        Deadline deadline = Deadline.after(timeout);
        SortedMap<String, Verdict> perPartition = new TreeMap<>();
        StringBuilder details = new StringBuilder();
        Verdict overall = Verdict.LINEARIZABLE;
        long totalSteps = 0;
        List<HistoryPartitioner.Partition<I, O>> partitions = HistoryPartitioner.partition(model, history);
        for (HistoryPartitioner.Partition<I, O> partition : partitions) {
            PartitionOutcome outcome =
                new PartitionSearch<>(model, partition.operations(), stepBudgetPerPartition, deadline).run();
            String name = String.valueOf(partition.key());
            perPartition.merge(name, outcome.verdict(), Verdict::combine);
            overall = overall.combine(outcome.verdict());
            totalSteps += outcome.steps();
            if (outcome.verdict() != Verdict.LINEARIZABLE) {
                details.append("  partition ").append(name).append(": ").append(outcome.verdict())
                    .append(" (").append(outcome.operations()).append(" operations, ")
                    .append(outcome.steps()).append(" steps)\n").append(outcome.detail());
            }
        }
        String summary = overall + ": " + partitions.size() + " partition(s), "
            + count(perPartition, Verdict.NOT_LINEARIZABLE) + " not linearizable, "
            + count(perPartition, Verdict.UNKNOWN) + " unknown, " + totalSteps + " search steps\n";
        return new CheckResult(overall, perPartition, summary + details);
    }

    private static long count(SortedMap<String, Verdict> perPartition, Verdict verdict) {
        return perPartition.values().stream().filter(verdict::equals).count();
    }
}
