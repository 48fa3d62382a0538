// Owns: tests that a nemesis history gets the right verdict per key and overall, with ok, fail, info and pending
// operations on both workloads.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beacon.testkit.lin.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCheckTest {

    private static final Duration BUDGET = Duration.ofSeconds(30);

    private static HistoryVerdict kv(TestHistory history) {
        return HistoryCheck.check(WorkloadKind.KV, history.operations(), BUDGET);
    }

    private static HistoryVerdict registry(TestHistory history) {
        return HistoryCheck.check(WorkloadKind.REGISTRY, history.operations(), BUDGET);
    }

    private static Verdict verdictOf(HistoryVerdict verdict, String key) {
        return verdict.keys().get(key).verdict();
    }

    @Test
    void concurrentReadsWritesAndCasOnTwoKeysAreLinearizable() {
        TestHistory history = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .invoke(20, 0, "cas", "x", "2", "1")
            .op(1, "read", "x", null, null, 25, 35, "1") // overlaps the cas: may see the old value
            .ok(40, 0, "2")
            .op(1, "read", "x", null, null, 50, 60, "2")
            .op(2, "read", "y", null, null, 0, 5, null) // never written: absent
            .op(2, "write", "y", "7", null, 10, 20, "7")
            .op(2, "read", "y", null, null, 30, 40, "7");

        HistoryVerdict verdict = kv(history);

        assertThat(verdict.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict.keys()).containsOnlyKeys("x", "y");
        assertThat(verdict.keys().get("x").operations()).isEqualTo(4);
        assertThat(verdict.keys().get("x").explanation()).isEmpty();
    }

    @Test
    void aStaleReadAfterAnAcknowledgedWriteIsNotLinearizable() {
        TestHistory history = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(0, "write", "x", "2", null, 20, 30, "2")
            .op(1, "read", "x", null, null, 40, 50, "1")
            .op(2, "write", "y", "5", null, 0, 10, "5");

        HistoryVerdict verdict = kv(history);

        assertThat(verdict.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdictOf(verdict, "x")).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdictOf(verdict, "y")).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict.keys().get("x").explanation()).contains("longest linearizable prefix", "read(x)");
        assertThat(verdict.unsettled()).extracting(HistoryVerdict.KeyVerdict::key).containsExactly("x");
    }

    @Test
    void aReadOfAnAbsentKeyAfterAnAcknowledgedWriteIsNotLinearizable() {
        TestHistory history = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(1, "read", "x", null, null, 20, 30, null);

        assertThat(kv(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anInfoWriteMayBeObservedByALaterRead() {
        TestHistory history = new TestHistory()
            .invoke(0, 0, "write", "x", "1").info(10, 0)
            .op(1, "read", "x", null, null, 100, 110, "1");

        assertThat(kv(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anInfoWriteNeverObservedIsFine() {
        TestHistory history = new TestHistory()
            .invoke(0, 0, "write", "x", "1").info(10, 0)
            .op(1, "read", "x", null, null, 100, 110, null)
            .op(1, "read", "x", null, null, 200, 210, null);

        HistoryVerdict verdict = kv(history);

        assertThat(verdict.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict.keys().get("x").indeterminate()).isEqualTo(1);
    }

    @Test
    void anInfoWriteTakesEffectAtMostOnceAndNotBeforeItWasInvoked() {
        TestHistory seenBeforeInvoked = new TestHistory()
            .op(1, "read", "x", null, null, 0, 10, "1")
            .invoke(20, 0, "write", "x", "1").info(30, 0);
        TestHistory seenGoneAndBack = new TestHistory()
            .invoke(0, 0, "write", "x", "1").info(10, 0)
            .op(1, "read", "x", null, null, 20, 30, "1")
            .op(1, "write", "x", "2", null, 40, 50, "2")
            .op(1, "read", "x", null, null, 60, 70, "1");

        assertThat(kv(seenBeforeInvoked).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(kv(seenGoneAndBack).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anOperationThatNeverCompletedIsIndeterminate() {
        TestHistory history = new TestHistory()
            .invoke(0, 0, "write", "x", "1") // the run ended before it completed
            .op(1, "read", "x", null, null, 100, 110, "1");

        HistoryVerdict verdict = kv(history);

        assertThat(verdict.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict.keys().get("x").indeterminate()).isEqualTo(1);
    }

    @Test
    void aFailedWriteIsDroppedSoObservingItIsNotLinearizable() {
        TestHistory observed = new TestHistory()
            .invoke(0, 0, "write", "x", "1").fail(10, 0)
            .op(1, "read", "x", null, null, 20, 30, "1");
        TestHistory unobserved = new TestHistory()
            .invoke(0, 0, "write", "x", "1").fail(10, 0)
            .op(1, "read", "x", null, null, 20, 30, null);

        assertThat(kv(observed).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(kv(observed).keys().get("x").operations()).isEqualTo(1);
        assertThat(kv(unobserved).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anOkCasSwappedAndAFailedCasHadNoEffect() {
        TestHistory swapped = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(0, "cas", "x", "2", "1", 20, 30, "2")
            .op(1, "read", "x", null, null, 40, 50, "2");
        TestHistory staleAfterSwap = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(0, "cas", "x", "2", "1", 20, 30, "2")
            .op(1, "read", "x", null, null, 40, 50, "1");
        TestHistory swapFromWrongValue = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(0, "cas", "x", "2", "9", 20, 30, "2");
        TestHistory refused = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .invoke(20, 0, "cas", "x", "2", "9").fail(30, 0)
            .op(1, "read", "x", null, null, 40, 50, "1");

        assertThat(kv(swapped).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(kv(staleAfterSwap).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(kv(swapFromWrongValue).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(kv(refused).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void registryListsAreCheckedAsSets() {
        TestHistory history = new TestHistory()
            .op(0, "list", "s1", null, null, 0, 5, "")
            .op(0, "register", "s1", "10.0.0.1:80", null, 10, 20, "10.0.0.1:80")
            .op(1, "register", "s1", "10.0.0.2:80", null, 15, 25, "10.0.0.2:80")
            .op(2, "list", "s1", null, null, 30, 40, "10.0.0.1:80,10.0.0.2:80")
            .op(0, "deregister", "s1", "10.0.0.1:80", null, 50, 60, "10.0.0.1:80")
            .op(2, "list", "s1", null, null, 70, 80, "10.0.0.2:80")
            .op(1, "list", "s2", null, null, 0, 10, null); // null result: nothing returned

        assertThat(registry(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aListMissingAnAcknowledgedInstanceIsNotLinearizable() {
        TestHistory history = new TestHistory()
            .op(0, "register", "s1", "10.0.0.1:80", null, 10, 20, "10.0.0.1:80")
            .op(1, "register", "s1", "10.0.0.2:80", null, 15, 25, "10.0.0.2:80")
            .op(2, "list", "s1", null, null, 30, 40, "10.0.0.2:80")
            .op(2, "list", "s2", null, null, 30, 40, "");

        HistoryVerdict verdict = registry(history);

        assertThat(verdict.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdictOf(verdict, "s1")).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(verdictOf(verdict, "s2")).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anInfoRegisterMayOrMayNotAppearInLists() {
        TestHistory history = new TestHistory()
            .invoke(0, 0, "register", "s1", "a").info(10, 0)
            .op(1, "list", "s1", null, null, 20, 30, "")
            .op(1, "list", "s1", null, null, 40, 50, "a")
            .op(1, "list", "s1", null, null, 60, 70, "a");

        assertThat(registry(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aKeyOutOfBudgetIsUnknownAndAFailingKeyStillDominates() {
        TestHistory slow = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(1, "read", "x", null, null, 20, 30, "1")
            .op(0, "write", "x", "2", null, 40, 50, "2");
        TestHistory slowAndBroken = new TestHistory()
            .op(0, "write", "x", "1", null, 0, 10, "1")
            .op(1, "read", "x", null, null, 20, 30, "1")
            .op(0, "write", "x", "2", null, 40, 50, "2")
            .op(0, "read", "y", null, null, 0, 10, "never written");

        HistoryVerdict unknown = HistoryCheck.check(WorkloadKind.KV, slow.operations(), null, 2);
        HistoryVerdict failing = HistoryCheck.check(WorkloadKind.KV, slowAndBroken.operations(), null, 2);

        assertThat(unknown.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(unknown.keys().get("x").explanation()).contains("step budget");
        assertThat(verdictOf(failing, "x")).isEqualTo(Verdict.UNKNOWN);
        assertThat(verdictOf(failing, "y")).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(failing.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        HistoryVerdict verdict = HistoryCheck.check(WorkloadKind.REGISTRY, List.of(), BUDGET);

        assertThat(verdict.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict.keys()).isEmpty();
    }

    @Test
    void anOperationOfTheOtherWorkloadIsRefused() {
        TestHistory history = new TestHistory().op(0, "list", "s1", null, null, 0, 5, "");

        assertThatThrownBy(() -> kv(history)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'list'");
    }

    @Test
    void workloadIsJudgedFromTheHistory() {
        assertThat(WorkloadKind.inferFrom(new TestHistory().op(0, "cas", "x", "1", null, 0, 1, "1").events()))
            .isEqualTo(WorkloadKind.KV);
        assertThat(WorkloadKind.inferFrom(new TestHistory().op(0, "list", "s", null, null, 0, 1, "").events()))
            .isEqualTo(WorkloadKind.REGISTRY);
    }
}
