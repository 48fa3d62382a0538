// Owns: a convenient recorder of read / write / cas operations for the CAS register model.
package io.beacon.testkit.lin;

import java.time.Duration;
import java.util.List;

/**
 * Records a history of register operations (for the simulator and a real-process harness) and checks it against
 * {@link CasRegisterModel}. Times come from one clock at the client side: invoke before sending, complete after
 * receiving.
 */
public final class RegisterHistory {

    private final HistoryRecorder<RegisterInput, Object> recorder = new HistoryRecorder<>();

    public int invokeRead(int process, String key, long time) {
        return recorder.invoke(process, RegisterInput.read(key), time);
    }

    public int invokeWrite(int process, String key, String value, long time) {
        return recorder.invoke(process, RegisterInput.write(key, value), time);
    }

    public int invokeCas(int process, String key, String expected, String newValue, long time) {
        return recorder.invoke(process, RegisterInput.cas(key, expected, newValue), time);
    }

    /** A read that returned {@code valueOrNull}; null means the key was absent. */
    public void okRead(int opId, String valueOrNull, long time) {
        requireKind(opId, RegisterInput.Kind.READ);
        recorder.ok(opId, RegisterValue.of(valueOrNull), time);
    }

    public void okWrite(int opId, long time) {
        requireKind(opId, RegisterInput.Kind.WRITE);
        recorder.ok(opId, WriteAck.OK, time);
    }

    /** A cas that definitely completed: swapped, or refused because the value differed from the expected one. */
    public void okCas(int opId, boolean swapped, long time) {
        requireKind(opId, RegisterInput.Kind.CAS);
        recorder.ok(opId, swapped, time);
    }

    /** A definite failure: the operation had no effect, so it is dropped. */
    public void fail(int opId, long time) {
        recorder.fail(opId, time);
    }

    /** An indeterminate outcome: the operation may or may not have taken effect. */
    public void info(int opId) {
        recorder.info(opId);
    }

    /** The operations so far; invocations never completed count as indeterminate. */
    public List<Operation<RegisterInput, Object>> operations() {
        return recorder.operations();
    }

    private void requireKind(int opId, RegisterInput.Kind expected) {
        RegisterInput.Kind actual = recorder.input(opId).kind();
        if (actual != expected) {
            throw new IllegalArgumentException(
                "operation " + opId + " is a " + actual + ", not a " + expected);
        }
    }

    public CheckResult check(long stepBudgetPerPartition) {
        return LinearizabilityChecker.check(CasRegisterModel.INSTANCE, operations(), stepBudgetPerPartition);
    }

    public CheckResult check(long stepBudgetPerPartition, Duration timeout) {
        return LinearizabilityChecker.check(CasRegisterModel.INSTANCE, operations(), stepBudgetPerPartition, timeout);
    }
}
