// Owns: hand-written register histories with known verdicts, exercising the checker's rules one at a time.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private static final long BUDGET = 100_000;

    @Test
    void concurrentReadsOnEitherSideOfAWriteAreLinearizable() {
        RegisterHistory history = new RegisterHistory();
        int write = history.invokeWrite(0, "x", "1", 0);
        int readNew = history.invokeRead(1, "x", 2);
        int readOld = history.invokeRead(2, "x", 3);
        history.okRead(readOld, null, 4);
        history.okRead(readNew, "1", 5);
        history.okWrite(write, 10);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aStaleReadAfterAWriteCompletedIsNotLinearizable() {
        RegisterHistory history = new RegisterHistory();
        history.okWrite(history.invokeWrite(0, "x", "1", 0), 1);
        history.okRead(history.invokeRead(1, "x", 2), null, 3);
        CheckResult result = history.check(BUDGET);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.perPartition()).containsExactly(Map.entry("x", Verdict.NOT_LINEARIZABLE));
        assertThat(result.explanation())
            .contains("partition x: not-linearizable")
            .contains("longest linearizable prefix: 1 of 2 operations")
            .contains("p0 write(x, 1) -> ok [0, 1]")
            .contains("p1 read(x) -> nil [2, 3]");
    }

    @Test
    void readsThatDisagreeAboutTheOrderOfTwoConcurrentWritesAreNotLinearizable() {
        RegisterHistory history = new RegisterHistory();
        int first = history.invokeWrite(0, "x", "1", 0);
        int second = history.invokeWrite(1, "x", "2", 0);
        history.okWrite(first, 10);
        history.okWrite(second, 10);
        history.okRead(history.invokeRead(2, "x", 11), "1", 12);
        history.okRead(history.invokeRead(3, "x", 13), "2", 14);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readsDuringTwoConcurrentWritesMaySeeBothOrders() {
        RegisterHistory history = new RegisterHistory();
        int first = history.invokeWrite(0, "x", "1", 0);
        int second = history.invokeWrite(1, "x", "2", 0);
        history.okRead(history.invokeRead(2, "x", 1), "2", 2);
        history.okRead(history.invokeRead(2, "x", 3), "1", 4);
        history.okWrite(first, 10);
        history.okWrite(second, 10);
        history.okRead(history.invokeRead(3, "x", 11), "1", 12);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteExplainsALaterRead() {
        RegisterHistory history = new RegisterHistory();
        history.info(history.invokeWrite(0, "x", "1", 0));
        history.okRead(history.invokeRead(1, "x", 5), null, 6);
        history.okRead(history.invokeRead(1, "x", 7), "1", 8);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateWriteCannotBeUndone() {
        RegisterHistory history = new RegisterHistory();
        history.info(history.invokeWrite(0, "x", "1", 0));
        history.okRead(history.invokeRead(1, "x", 7), "1", 8);
        history.okRead(history.invokeRead(1, "x", 9), null, 10);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anInvocationNeverCompletedIsIndeterminate() {
        RegisterHistory history = new RegisterHistory();
        history.invokeCas(0, "x", null, "1", 0);
        history.okRead(history.invokeRead(1, "x", 5), "1", 6);
        assertThat(history.operations().get(0).isIndeterminate()).isTrue();
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateOperationCannotTakeEffectBeforeItIsCalled() {
        RegisterHistory history = new RegisterHistory();
        history.okRead(history.invokeRead(1, "x", 0), "1", 1);
        history.info(history.invokeWrite(0, "x", "1", 2));
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aFailedOperationIsDroppedBecauseItHadNoEffect() {
        RegisterHistory explainedOnlyByTheFailure = new RegisterHistory();
        explainedOnlyByTheFailure.fail(explainedOnlyByTheFailure.invokeWrite(0, "x", "1", 0), 1);
        explainedOnlyByTheFailure.okRead(explainedOnlyByTheFailure.invokeRead(1, "x", 2), "1", 3);
        assertThat(explainedOnlyByTheFailure.operations()).hasSize(1);
        assertThat(explainedOnlyByTheFailure.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);

        RegisterHistory unaffected = new RegisterHistory();
        unaffected.fail(unaffected.invokeCas(0, "x", null, "1", 0), 1);
        unaffected.okRead(unaffected.invokeRead(1, "x", 2), null, 3);
        assertThat(unaffected.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anUnknownReadConstrainsNothing() {
        RegisterHistory history = new RegisterHistory();
        history.okWrite(history.invokeWrite(0, "x", "1", 0), 1);
        history.info(history.invokeRead(1, "x", 2));
        history.fail(history.invokeRead(2, "x", 3), 4);
        CheckResult result = history.check(BUDGET);
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.explanation()).contains("1 partition(s)");
    }

    @Test
    void aCasThatReportsAWrongOutcomeIsNotLinearizable() {
        RegisterHistory refusedAlthoughMatching = new RegisterHistory();
        refusedAlthoughMatching.okWrite(refusedAlthoughMatching.invokeWrite(0, "x", "1", 0), 1);
        refusedAlthoughMatching.okCas(refusedAlthoughMatching.invokeCas(0, "x", "1", "2", 2), false, 3);
        assertThat(refusedAlthoughMatching.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);

        RegisterHistory refusedCorrectly = new RegisterHistory();
        refusedCorrectly.okWrite(refusedCorrectly.invokeWrite(0, "x", "1", 0), 1);
        refusedCorrectly.okCas(refusedCorrectly.invokeCas(0, "x", "3", "2", 2), false, 3);
        refusedCorrectly.okCas(refusedCorrectly.invokeCas(0, "x", "1", "2", 4), true, 5);
        refusedCorrectly.okRead(refusedCorrectly.invokeRead(0, "x", 6), "2", 7);
        assertThat(refusedCorrectly.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aCallAtTheSameTimeAsAReturnCountsAsConcurrent() {
        RegisterHistory history = new RegisterHistory();
        history.okWrite(history.invokeWrite(0, "x", "1", 0), 5);
        history.okRead(history.invokeRead(1, "x", 5), null, 6);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void keysArePartitionedAndTheWorstVerdictWins() {
        RegisterHistory history = new RegisterHistory();
        history.okWrite(history.invokeWrite(0, "a", "1", 0), 1);
        history.okRead(history.invokeRead(1, "a", 2), "1", 3);
        history.okWrite(history.invokeWrite(0, "b", "1", 4), 5);
        history.okRead(history.invokeRead(1, "b", 6), "2", 7);
        CheckResult result = history.check(BUDGET);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.perPartition())
            .containsExactly(Map.entry("a", Verdict.LINEARIZABLE), Map.entry("b", Verdict.NOT_LINEARIZABLE));
        assertThat(result.explanation()).contains("partition b").doesNotContain("partition a");
    }

    @Test
    void anUnknownPartitionMakesTheWholeResultUnknownUnlessAnotherFails() {
        RegisterHistory history = new RegisterHistory();
        history.okWrite(history.invokeWrite(0, "small", "1", 0), 1);
        addConcurrentWrites(history, "large", 6, 10);
        CheckResult result = history.check(5);
        assertThat(result.perPartition())
            .containsEntry("small", Verdict.LINEARIZABLE)
            .containsEntry("large", Verdict.UNKNOWN);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation()).contains("step budget of 5 exhausted");

        history.okRead(history.invokeRead(1, "small", 2), "2", 3);
        assertThat(history.check(5).perPartition()).containsEntry("large", Verdict.UNKNOWN);
        assertThat(history.check(5).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aBudgetOfOneStepOnANonTrivialHistoryIsUnknownNeverLinearizable() {
        RegisterHistory history = new RegisterHistory();
        addConcurrentWrites(history, "x", 4, 0);
        assertThat(history.check(1).verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void trivialHistoriesAreLinearizable() {
        assertThat(new RegisterHistory().check(1))
            .isEqualTo(new CheckResult(Verdict.LINEARIZABLE, new java.util.TreeMap<>(),
                new RegisterHistory().check(1).explanation()));
        RegisterHistory onlyIndeterminate = new RegisterHistory();
        onlyIndeterminate.info(onlyIndeterminate.invokeWrite(0, "x", "1", 0));
        onlyIndeterminate.invokeCas(1, "x", "1", "2", 1);
        assertThat(onlyIndeterminate.check(1).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anIndeterminateOperationGivenWithAFiniteReturnTimeIsMovedToInfinity() {
        List<Operation<RegisterInput, Object>> history = List.of(
            new Operation<>(0, RegisterInput.write("x", "1"), null, 0, 1),
            Operation.completed(1, RegisterInput.read("x"), RegisterValue.of("1"), 5, 6));
        assertThat(LinearizabilityChecker.check(CasRegisterModel.INSTANCE, history, BUDGET).verdict())
            .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> LinearizabilityChecker.check(CasRegisterModel.INSTANCE, List.of(), 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Operation.completed(0, RegisterInput.read("x"), RegisterValue.ABSENT, 5, 4))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verdictsCombineAndPrintTheirLabels() {
        assertThat(Verdict.LINEARIZABLE.combine(Verdict.UNKNOWN)).isEqualTo(Verdict.UNKNOWN);
        assertThat(Verdict.UNKNOWN.combine(Verdict.NOT_LINEARIZABLE)).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(Verdict.NOT_LINEARIZABLE.combine(Verdict.LINEARIZABLE)).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(Verdict.values()).extracting(Verdict::label)
            .containsExactly("linearizable", "not-linearizable", "unknown");
    }

    /** Adds {@code count} overlapping writes of distinct values and a read of the last value after them. */
    private static void addConcurrentWrites(RegisterHistory history, String key, int count, long start) {
        int[] writes = new int[count];
        for (int index = 0; index < count; index++) {
            writes[index] = history.invokeWrite(index, key, Integer.toString(index), start + index);
        }
        for (int index = 0; index < count; index++) {
            history.okWrite(writes[index], start + count + index);
        }
        history.okRead(history.invokeRead(count, key, start + 2 * count), "0", start + 2 * count + 1);
    }
}
