// Owns: tests of pairing invocations with completions, and of refusing histories a correct harness cannot produce.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beacon.testkit.nemesis.HistoryEvent.Type;
import io.beacon.testkit.nemesis.RecordedOperation.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedOperationTest {

    private static HistoryEvent event(int process, Type type, String f, String value, long time) {
        return new HistoryEvent(process, type, f, "x", value, null, time);
    }

    @Test
    void pairsEachInvocationWithTheNextCompletionOfItsProcess() {
        List<RecordedOperation> operations = RecordedOperation.pair(List.of(
            event(0, Type.INVOKE, "write", "1", 0),
            event(1, Type.INVOKE, "read", null, 1),
            event(1, Type.OK, "read", "1", 5),
            event(0, Type.INFO, "write", "1", 9),
            event(0, Type.INVOKE, "read", null, 10),
            event(1, Type.INVOKE, "write", "2", 11),
            event(1, Type.FAIL, "write", "2", 12)));

        assertThat(operations).containsExactly(
            new RecordedOperation(0, "write", "x", "1", null, 0, Outcome.INFO, "1", 9),
            new RecordedOperation(1, "read", "x", null, null, 1, Outcome.OK, "1", 5),
            new RecordedOperation(0, "read", "x", null, null, 10, Outcome.PENDING, null, RecordedOperation.NEVER),
            new RecordedOperation(1, "write", "x", "2", null, 11, Outcome.FAIL, "2", 12));
    }

    @Test
    void refusesASecondOperationInFlightOnOneProcess() {
        assertThatThrownBy(() -> RecordedOperation.pair(List.of(
            event(0, Type.INVOKE, "write", "1", 0),
            event(0, Type.INVOKE, "read", null, 1))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event 2").hasMessageContaining("in flight");
    }

    @Test
    void refusesACompletionWithoutAnInvocationOrOfAnotherOperation() {
        assertThatThrownBy(() -> RecordedOperation.pair(List.of(event(0, Type.OK, "read", "1", 0))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never invoked");
        assertThatThrownBy(() -> RecordedOperation.pair(List.of(
            event(0, Type.INVOKE, "write", "1", 0),
            event(0, Type.OK, "read", "1", 1))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but invoked write");
    }

    @Test
    void theLiveLogRefusesTheSameMistakesAsTheyHappen() {
        HistoryLog log = HistoryLog.inMemory(() -> 0);
        log.invoke(0, "write", "x", "1", null);

        assertThatThrownBy(() -> log.invoke(0, "read", "x", null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.ok(1, "1")).isInstanceOf(IllegalStateException.class);
    }
}
