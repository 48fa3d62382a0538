// Owns: property tests: honest histories of a real register pass; one corrupted read fails; budgets never lie.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Generates a sequential execution of a real multi-key register: operation i takes effect at time 10 * (i + 1). Each
 * operation's interval is then widened honestly (it still contains that instant, and a process never overlaps
 * itself), so the recorded history is linearizable by construction. Some operations time out (taking effect or
 * not) and some fail definitely (no effect).
 */
class RegisterLinearizabilityProperties {

    private static final long BUDGET = 2_000_000;
    private static final String NEVER_WRITTEN = "never-written";

    enum Outcome { OK, INDETERMINATE_APPLIED, INDETERMINATE_NOT_APPLIED, FAILED }

    record Step(int process, String key, RegisterInput.Kind kind, String value, String expected,
                int widenBefore, int widenAfter, Outcome outcome) {
    }

    @Provide
    Arbitrary<List<Step>> executions() {
        Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.of("a", "b", "c"),
            Arbitraries.of(RegisterInput.Kind.values()),
            Arbitraries.integers().between(0, 3).map(String::valueOf),
            Arbitraries.integers().between(-1, 3).map(value -> value < 0 ? null : String.valueOf(value)),
            Arbitraries.integers().between(0, 45),
            Arbitraries.integers().between(0, 45),
            Arbitraries.frequency(
                net.jqwik.api.Tuple.of(14, Outcome.OK),
                net.jqwik.api.Tuple.of(2, Outcome.INDETERMINATE_APPLIED),
                net.jqwik.api.Tuple.of(2, Outcome.INDETERMINATE_NOT_APPLIED),
                net.jqwik.api.Tuple.of(2, Outcome.FAILED))
        ).as((process, key, kind, value, expected, before, after, outcome) -> new Step(process, key, kind,
            kind == RegisterInput.Kind.READ ? null : value,
            kind == RegisterInput.Kind.CAS ? expected : null, before, after, outcome));
        return step.list().ofMinSize(1).ofMaxSize(45);
    }

    @Property(tries = 300)
    void honestHistoriesAreLinearizable(@ForAll("executions") List<Step> execution) {
        CheckResult result = record(execution, -1).check(BUDGET);
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Property(tries = 300)
    void corruptingOneReadToANeverWrittenValueIsNotLinearizable(@ForAll("executions") List<Step> execution,
                                                                @ForAll @IntRange(min = 0, max = 1000) int pick) {
        List<Integer> definiteReads = new ArrayList<>();
        for (int index = 0; index < execution.size(); index++) {
            Step step = execution.get(index);
            if (step.kind() == RegisterInput.Kind.READ && step.outcome() == Outcome.OK) {
                definiteReads.add(index);
            }
        }
        Assume.that(!definiteReads.isEmpty());
        int corrupted = definiteReads.get(pick % definiteReads.size());
        CheckResult result = record(execution, corrupted).check(BUDGET);
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.perPartition()).containsEntry(execution.get(corrupted).key(), Verdict.NOT_LINEARIZABLE);
    }

    @Property(tries = 300)
    void anyBudgetGivesTheTrueVerdictOrUnknown(@ForAll("executions") List<Step> execution,
                                               @ForAll @LongRange(min = 1, max = 300) long budget,
                                               @ForAll @IntRange(min = -1, max = 44) int corrupted) {
        int corruptedRead = corrupted >= 0 && corrupted < execution.size()
            && execution.get(corrupted).kind() == RegisterInput.Kind.READ
            && execution.get(corrupted).outcome() == Outcome.OK ? corrupted : -1;
        Verdict truth = corruptedRead < 0 ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE;
        RegisterHistory history = record(execution, corruptedRead);
        CheckResult limited = history.check(budget);
        assertThat(limited.verdict()).isIn(truth, Verdict.UNKNOWN);
        assertThat(history.check(budget)).as("deterministic").isEqualTo(limited);
    }

    /** Records the execution, replacing the output of the read at {@code corruptedRead} (if >= 0). */
    private static RegisterHistory record(List<Step> execution, int corruptedRead) {
        long[] callTimes = new long[execution.size()];
        long[] returnTimes = new long[execution.size()];
        assignHonestIntervals(execution, callTimes, returnTimes);

        RegisterHistory history = new RegisterHistory();
        Map<String, String> register = new HashMap<>();
        for (int index = 0; index < execution.size(); index++) {
            Step step = execution.get(index);
            String current = register.get(step.key());
            int id = switch (step.kind()) {
                case READ -> history.invokeRead(step.process(), step.key(), callTimes[index]);
                case WRITE -> history.invokeWrite(step.process(), step.key(), step.value(), callTimes[index]);
                case CAS -> history.invokeCas(step.process(), step.key(), step.expected(), step.value(),
                    callTimes[index]);
            };
            boolean applies = step.outcome() == Outcome.OK || step.outcome() == Outcome.INDETERMINATE_APPLIED;
            boolean swaps = step.kind() == RegisterInput.Kind.CAS && java.util.Objects.equals(current, step.expected());
            if (applies && (step.kind() == RegisterInput.Kind.WRITE || swaps)) {
                register.put(step.key(), step.value());
            }
            switch (step.outcome()) {
                case OK -> {
                    switch (step.kind()) {
                        case READ -> history.okRead(id, index == corruptedRead ? NEVER_WRITTEN : current,
                            returnTimes[index]);
                        case WRITE -> history.okWrite(id, returnTimes[index]);
                        case CAS -> history.okCas(id, swaps, returnTimes[index]);
                    }
                }
                case INDETERMINATE_APPLIED, INDETERMINATE_NOT_APPLIED -> history.info(id);
                case FAILED -> history.fail(id, returnTimes[index]);
            }
        }
        return history;
    }

    /**
     * Operation i takes effect at 10 * (i + 1). Its call is up to widenBefore earlier and its return up to widenAfter
     * later, but a process's operation starts after its previous one returned and returns before its next one takes
     * effect.
     */
    private static void assignHonestIntervals(List<Step> execution, long[] callTimes, long[] returnTimes) {
        Map<Integer, Long> lastReturnByProcess = new HashMap<>();
        for (int index = 0; index < execution.size(); index++) {
            Step step = execution.get(index);
            long effect = 10L * (index + 1);
            long earliestCall = lastReturnByProcess.getOrDefault(step.process(), 0L) + 1;
            callTimes[index] = Math.max(earliestCall, effect - step.widenBefore());
            long nextEffectOfProcess = Long.MAX_VALUE;
            for (int later = index + 1; later < execution.size(); later++) {
                if (execution.get(later).process() == step.process()) {
                    nextEffectOfProcess = 10L * (later + 1);
                    break;
                }
            }
            returnTimes[index] = Math.min(effect + step.widenAfter(), nextEffectOfProcess - 1);
            lastReturnByProcess.put(step.process(), returnTimes[index]);
        }
    }
}
