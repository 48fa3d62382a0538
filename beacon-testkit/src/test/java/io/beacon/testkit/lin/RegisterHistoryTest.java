// Owns: tests of the history recorders (completion rules, ids, misuse).
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegisterHistoryTest {

    @Test
    void recordsOperationsInInvocationOrderWithTheirOutcomes() {
        RegisterHistory history = new RegisterHistory();
        int read = history.invokeRead(0, "x", 1);
        int write = history.invokeWrite(1, "x", "5", 2);
        int cas = history.invokeCas(2, "x", "5", "6", 3);
        int failed = history.invokeWrite(3, "x", "7", 4);
        int timedOut = history.invokeWrite(4, "x", "8", 5);
        int neverAnswered = history.invokeRead(5, "x", 6);
        history.okCas(cas, false, 10);
        history.okWrite(write, 11);
        history.okRead(read, null, 12);
        history.fail(failed, 13);
        history.info(timedOut);
        assertThat(List.of(read, write, cas, failed, timedOut, neverAnswered)).containsExactly(0, 1, 2, 3, 4, 5);

        assertThat(history.operations()).containsExactly(
            Operation.completed(0, RegisterInput.read("x"), RegisterValue.ABSENT, 1, 12),
            Operation.completed(1, RegisterInput.write("x", "5"), WriteAck.OK, 2, 11),
            Operation.completed(2, RegisterInput.cas("x", "5", "6"), false, 3, 10),
            Operation.indeterminate(4, RegisterInput.write("x", "8"), 5),
            Operation.indeterminate(5, RegisterInput.read("x"), 6));
    }

    @Test
    void misuseIsRejected() {
        RegisterHistory history = new RegisterHistory();
        int read = history.invokeRead(0, "x", 10);
        assertThatThrownBy(() -> history.okWrite(read, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history.okRead(read, "1", 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history.okRead(7, "1", 11)).isInstanceOf(IllegalArgumentException.class);
        history.okRead(read, "1", 11);
        assertThatThrownBy(() -> history.info(read)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> history.fail(read, 12)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aGenericRecorderKeepsOutputsAndDropsFailures() {
        HistoryRecorder<KvInput, String> recorder = new HistoryRecorder<>();
        int get = recorder.invoke(0, KvInput.get("k"), 0);
        int put = recorder.invoke(1, KvInput.put("k", "v"), 1);
        assertThat(recorder.isPending(get)).isTrue();
        recorder.ok(get, "", 2);
        recorder.fail(put, 3);
        assertThat(recorder.isPending(get)).isFalse();
        assertThat(recorder.input(put)).isEqualTo(KvInput.put("k", "v"));
        assertThat(recorder.operations()).containsExactly(Operation.completed(0, KvInput.get("k"), "", 0, 2));
        assertThatThrownBy(() -> recorder.ok(recorder.invoke(0, KvInput.get("k"), 4), null, 5))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
