// Owns: the instance set model's rules, and hand-made instance histories with known verdicts.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceSetModelTest {

    private static final long BUDGET = 100_000;
    private static final String S1 = "public##DEFAULT_GROUP@@s1";
    private static final String S2 = "public##DEFAULT_GROUP@@s2";
    private static final String A = "10.0.0.1:8080";
    private static final String B = "10.0.0.2:8080";

    private final InstanceSetModel model = InstanceSetModel.INSTANCE;

    @Test
    void registerIsAnIdempotentUpsertDeregisterARemoveAndListMustEqualTheState() {
        InstanceSet state = model.initial();
        assertThat(state).isEqualTo(InstanceSet.EMPTY);
        state = model.step(state, InstanceSetInput.register(S1, A), WriteAck.OK);
        assertThat(model.step(state, InstanceSetInput.register(S1, A), WriteAck.OK)).isEqualTo(state);
        assertThat(model.step(state, InstanceSetInput.list(S1), InstanceSet.of(A))).isEqualTo(state);
        assertThat(model.step(state, InstanceSetInput.list(S1), InstanceSet.EMPTY)).isNull();
        assertThat(model.step(state, InstanceSetInput.list(S1), InstanceSet.of(A, B))).isNull();
        assertThat(model.step(state, InstanceSetInput.list(S1), null)).isEqualTo(state);
        assertThat(model.step(state, InstanceSetInput.deregister(S1, B), WriteAck.OK)).isEqualTo(state);
        assertThat(model.step(state, InstanceSetInput.deregister(S1, A), null)).isEqualTo(InstanceSet.EMPTY);
    }

    @Test
    void inputsPartitionByServiceOnlyListsAreReadOnlyAndOutputsAreTyped() {
        assertThat(model.partitionKey(InstanceSetInput.register(S2, A))).isEqualTo(S2);
        assertThat(model.isReadOnly(InstanceSetInput.list(S1))).isTrue();
        assertThat(model.isReadOnly(InstanceSetInput.deregister(S1, A))).isFalse();
        assertThat(InstanceSetInput.register(S1, A)).hasToString("register(" + S1 + ", " + A + ")");
        assertThat(InstanceSet.of(B, A)).hasToString("[" + A + ", " + B + "]");
        assertThatThrownBy(() -> model.step(InstanceSet.EMPTY, InstanceSetInput.list(S1), List.of()))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.step(InstanceSet.EMPTY, InstanceSetInput.register(S1, A), true))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstanceSetInput(InstanceSetInput.Kind.LIST, S1, A))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sequentialRegistrationsAndARemovalAreSeenInOrder() {
        InstanceHistory history = new InstanceHistory();
        history.okChange(history.invokeRegister(0, S1, A, 0), 1);
        history.okChange(history.invokeRegister(1, S1, B, 2), 3);
        history.okList(history.invokeList(2, S1, 4), List.of(B, A), 5);
        history.okChange(history.invokeDeregister(0, S1, A, 6), 7);
        history.okList(history.invokeList(1, S1, 8), List.of(B), 9);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aListMissingAnAcknowledgedRegistrationIsNotLinearizable() {
        InstanceHistory history = new InstanceHistory();
        history.okChange(history.invokeRegister(0, S1, A, 0), 1);
        history.okList(history.invokeList(1, S1, 2), List.of(), 3);
        CheckResult result = history.check(BUDGET);
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.perPartition()).containsExactly(Map.entry(S1, Verdict.NOT_LINEARIZABLE));
        assertThat(result.explanation()).contains("p1 list(" + S1 + ") -> [] [2, 3]");
    }

    @Test
    void aDeregisteredInstanceThatComesBackIsNotLinearizable() {
        InstanceHistory history = new InstanceHistory();
        history.okChange(history.invokeRegister(0, S1, A, 0), 1);
        history.okChange(history.invokeDeregister(0, S1, A, 2), 3);
        history.okList(history.invokeList(1, S1, 4), List.of(A), 5);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void listsDuringAConcurrentDeregisterMaySeeEitherSideButNotGoBack() {
        InstanceHistory history = new InstanceHistory();
        history.okChange(history.invokeRegister(0, S1, A, 0), 1);
        int deregister = history.invokeDeregister(0, S1, A, 2);
        history.okList(history.invokeList(1, S1, 3), List.of(A), 4);
        history.okList(history.invokeList(1, S1, 5), List.of(), 6);
        history.okChange(deregister, 10);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);

        history.okList(history.invokeList(2, S1, 7), List.of(A), 8);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aRegisterWithAnUnknownOutcomeMayOrMayNotHaveHappened() {
        InstanceHistory seen = new InstanceHistory();
        seen.info(seen.invokeRegister(0, S1, A, 0));
        seen.okList(seen.invokeList(1, S1, 10), List.of(A), 11);
        assertThat(seen.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);

        InstanceHistory unseen = new InstanceHistory();
        unseen.info(unseen.invokeRegister(0, S1, A, 0));
        unseen.okList(unseen.invokeList(1, S1, 10), List.of(), 11);
        unseen.okList(unseen.invokeList(1, S1, 12), List.of(A), 13);
        assertThat(unseen.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);

        // Once a list saw it, it happened: without a deregister it cannot vanish again.
        InstanceHistory flickers = new InstanceHistory();
        flickers.info(flickers.invokeRegister(0, S1, A, 0));
        flickers.okList(flickers.invokeList(1, S1, 10), List.of(A), 11);
        flickers.okList(flickers.invokeList(1, S1, 12), List.of(), 13);
        assertThat(flickers.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);

        // And it cannot have happened before it was invoked.
        InstanceHistory early = new InstanceHistory();
        early.okList(early.invokeList(1, S1, 0), List.of(A), 1);
        early.info(early.invokeRegister(0, S1, A, 2));
        assertThat(early.check(BUDGET).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anUnknownRegisterMayTakeEffectAfterAnAcknowledgedDeregister() {
        InstanceHistory history = new InstanceHistory();
        history.okChange(history.invokeRegister(0, S1, A, 0), 1);
        history.info(history.invokeRegister(1, S1, A, 2));
        history.okChange(history.invokeDeregister(0, S1, A, 3), 4);
        history.okList(history.invokeList(2, S1, 5), List.of(A), 6);
        assertThat(history.check(BUDGET).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aFailedRegisterHadNoEffectAndServicesAreIndependent() {
        InstanceHistory history = new InstanceHistory();
        history.fail(history.invokeRegister(0, S1, A, 0), 1);
        history.okChange(history.invokeRegister(1, S2, A, 0), 1);
        history.okList(history.invokeList(2, S1, 2), List.of(), 3);
        history.okList(history.invokeList(2, S2, 4), List.of(A), 5);
        CheckResult result = history.check(BUDGET);
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.perPartition()).containsOnlyKeys(S1, S2);

        history.okList(history.invokeList(2, S2, 6), List.of(A, B), 7);
        assertThat(history.check(BUDGET).perPartition())
            .containsExactly(Map.entry(S1, Verdict.LINEARIZABLE), Map.entry(S2, Verdict.NOT_LINEARIZABLE));
    }

    @Test
    void misuseIsRejected() {
        InstanceHistory history = new InstanceHistory();
        int list = history.invokeList(0, S1, 0);
        int register = history.invokeRegister(0, S1, A, 0);
        assertThatThrownBy(() -> history.okChange(list, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history.okList(register, List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
