// Owns: checking a nemesis history for linearizability key by key with the workload's model, within a time budget.
// The search itself is the lin package's; this only translates operations and shares out the budget.
package io.beacon.testkit.nemesis;

import io.beacon.testkit.lin.CasRegisterModel;
import io.beacon.testkit.lin.CheckHistoryMain;
import io.beacon.testkit.lin.CheckResult;
import io.beacon.testkit.lin.InstanceSet;
import io.beacon.testkit.lin.InstanceSetInput;
import io.beacon.testkit.lin.InstanceSetModel;
import io.beacon.testkit.lin.LinearizabilityChecker;
import io.beacon.testkit.lin.Model;
import io.beacon.testkit.lin.Operation;
import io.beacon.testkit.lin.RegisterInput;
import io.beacon.testkit.lin.RegisterValue;
import io.beacon.testkit.lin.Verdict;
import io.beacon.testkit.lin.WriteAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns recorded operations into the checker's {@link Operation}s and checks each key on its own (linearizability is
 * local, so a run is linearizable iff every key is).
 *
 * <p>Translation: an {@code ok} operation is completed with its output; {@code fail} took no effect and is dropped;
 * {@code info} and never-completed operations are indeterminate (they may take effect at any time after their
 * invocation). Kv: {@code read} → the value read (null = absent), {@code write} → acknowledged, {@code cas} → swapped
 * (a cas whose comparison failed is recorded as {@code fail}). Registry: {@code register}/{@code deregister} →
 * acknowledged, {@code list} → the set of the comma-separated instance ids (empty string or null = none).
 *
 * <p>Budget: every key has a step budget ({@link #DEFAULT_STEP_BUDGET}, deterministic) and the keys share a
 * wall-clock budget. First each key in turn gets an equal share of what is left; then the keys that came out unknown
 * share what remains. A key whose budget runs out is unknown, never linearizable. (With no time left a key still
 * gets the checker's first 1,024 steps, enough to settle a small key.)
 */
public final class HistoryCheck {

    public static final long DEFAULT_STEP_BUDGET = CheckHistoryMain.DEFAULT_BUDGET;

    private final WorkloadKind workload;
    private final long stepBudgetPerKey;

    private HistoryCheck(WorkloadKind workload, long stepBudgetPerKey) {
        if (stepBudgetPerKey <= 0) {
            throw new IllegalArgumentException("step budget must be positive: " + stepBudgetPerKey);
        }
        this.workload = workload;
        this.stepBudgetPerKey = stepBudgetPerKey;
    }

    /** Checks with the default step budget per key and {@code timeBudget} for all keys (null: no time limit). */
    public static HistoryVerdict check(WorkloadKind workload, List<RecordedOperation> operations,
                                       Duration timeBudget) {
        return check(workload, operations, timeBudget, DEFAULT_STEP_BUDGET);
    }

    /** Checks with {@code stepBudgetPerKey} search steps per key and {@code timeBudget} for all keys (null: none). */
    public static HistoryVerdict check(WorkloadKind workload, List<RecordedOperation> operations,
                                       Duration timeBudget, long stepBudgetPerKey) {
        return new HistoryCheck(workload, stepBudgetPerKey).run(operations, timeBudget);
    }

    private HistoryVerdict run(List<RecordedOperation> operations, Duration timeBudget) {
        Map<String, List<RecordedOperation>> byKey = new LinkedHashMap<>();
        for (RecordedOperation operation : operations) {
            if (!workload.records(operation.f())) {
                throw new IllegalArgumentException("the " + workload + " workload has no operation '"
                    + operation.f() + "' (process " + operation.process() + ", key " + operation.key() + ")");
            }
            byKey.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        long start = System.nanoTime();
        long budgetNanos = timeBudget == null ? -1 : saturatedNanos(timeBudget);
        SortedMap<String, HistoryVerdict.KeyVerdict> verdicts = new TreeMap<>();
        List<String> keys = new ArrayList<>(byKey.keySet());
        for (int index = 0; index < keys.size(); index++) {
            Duration share = share(budgetNanos, start, keys.size() - index);
            verdicts.put(keys.get(index), checkKey(keys.get(index), byKey.get(keys.get(index)), share));
        }
        List<String> unknown = verdicts.values().stream()
            .filter(verdict -> verdict.verdict() == Verdict.UNKNOWN).map(HistoryVerdict.KeyVerdict::key).toList();
        for (int index = 0; budgetNanos >= 0 && index < unknown.size(); index++) {
            Duration share = share(budgetNanos, start, unknown.size() - index);
            if (share.isZero()) {
                break;
            }
            String key = unknown.get(index);
            verdicts.put(key, checkKey(key, byKey.get(key), share));
        }
        return HistoryVerdict.of(workload, verdicts);
    }

    /** An equal share of the time left among {@code keysLeft}; null when there is no time limit. */
    private static Duration share(long budgetNanos, long start, int keysLeft) {
        if (budgetNanos < 0) {
            return null;
        }
        long left = Math.max(0, budgetNanos - (System.nanoTime() - start));
        return Duration.ofNanos(left / keysLeft);
    }

    private HistoryVerdict.KeyVerdict checkKey(String key, List<RecordedOperation> operations, Duration timeout) {
        return switch (workload) {
            case KV -> checkKey(key, operations, timeout, CasRegisterModel.INSTANCE,
                HistoryCheck::registerInput, HistoryCheck::registerOutput);
            case REGISTRY -> checkKey(key, operations, timeout, InstanceSetModel.INSTANCE,
                HistoryCheck::instanceSetInput, HistoryCheck::instanceSetOutput);
        };
    }

    private <S, I> HistoryVerdict.KeyVerdict checkKey(String key, List<RecordedOperation> recorded,
                                                      Duration timeout, Model<S, I, Object> model,
                                                      Function<RecordedOperation, I> input,
                                                      Function<RecordedOperation, Object> output) {
        List<Operation<I, Object>> history = new ArrayList<>(recorded.size());
        int indeterminate = 0;
        for (RecordedOperation operation : recorded) {
            switch (operation.outcome()) {
                case OK -> history.add(Operation.completed(operation.process(), input.apply(operation),
                    output.apply(operation), operation.invokeTime(), operation.completeTime()));
                case INFO, PENDING -> {
                    history.add(Operation.indeterminate(operation.process(), input.apply(operation),
                        operation.invokeTime()));
                    indeterminate++;
                }
                case FAIL -> { }
            }
        }
        CheckResult result = LinearizabilityChecker.check(model, history, stepBudgetPerKey, timeout);
        String explanation = result.verdict() == Verdict.LINEARIZABLE ? "" : result.explanation();
        return new HistoryVerdict.KeyVerdict(key, result.verdict(), history.size(), indeterminate, explanation);
    }

    private static RegisterInput registerInput(RecordedOperation operation) {
        return switch (operation.f()) {
            case "read" -> RegisterInput.read(operation.key());
            case "write" -> RegisterInput.write(operation.key(), operation.value());
            case "cas" -> RegisterInput.cas(operation.key(), operation.expected(), operation.value());
            default -> throw new IllegalArgumentException("not a kv operation: " + operation.f());
        };
    }

    private static Object registerOutput(RecordedOperation operation) {
        return switch (operation.f()) {
            case "read" -> RegisterValue.of(operation.result());
            case "write" -> WriteAck.OK;
            case "cas" -> Boolean.TRUE;
            default -> throw new IllegalArgumentException("not a kv operation: " + operation.f());
        };
    }

    private static InstanceSetInput instanceSetInput(RecordedOperation operation) {
        return switch (operation.f()) {
            case "register" -> InstanceSetInput.register(operation.key(), requireInstance(operation));
            case "deregister" -> InstanceSetInput.deregister(operation.key(), requireInstance(operation));
            case "list" -> InstanceSetInput.list(operation.key());
            default -> throw new IllegalArgumentException("not a registry operation: " + operation.f());
        };
    }

    private static Object instanceSetOutput(RecordedOperation operation) {
        return switch (operation.f()) {
            case "register", "deregister" -> WriteAck.OK;
            case "list" -> listed(operation.result());
            default -> throw new IllegalArgumentException("not a registry operation: " + operation.f());
        };
    }

    /** The instances a list returned, from their canonical encoding: ids joined with ','; empty or null is none. */
    static InstanceSet listed(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return InstanceSet.EMPTY;
        }
        return InstanceSet.of(Arrays.asList(encoded.split(",", -1)));
    }

    private static String requireInstance(RecordedOperation operation) {
        if (operation.value() == null) {
            throw new IllegalArgumentException(operation.f() + " on " + operation.key() + " by process "
                + operation.process() + " names no instance");
        }
        return operation.value();
    }

    private static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time budget must not be negative: " + duration);
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
