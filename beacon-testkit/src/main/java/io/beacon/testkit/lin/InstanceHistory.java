// Owns: a convenient recorder of register / deregister / list operations for the instance set model.
package io.beacon.testkit.lin;

import java.util.Collection;
import java.util.List;

/**
 * Records a history of operations on services' persistent instances (for the simulator and a real-process harness)
 * and checks it against {@link InstanceSetModel}. Times come from one clock at the client side: invoke before
 * sending, complete after receiving.
 */
public final class InstanceHistory {

    private final HistoryRecorder<InstanceSetInput, Object> recorder = new HistoryRecorder<>();

    public int invokeRegister(int process, String service, String instance, long time) {
        return recorder.invoke(process, InstanceSetInput.register(service, instance), time);
    }

    public int invokeDeregister(int process, String service, String instance, long time) {
        return recorder.invoke(process, InstanceSetInput.deregister(service, instance), time);
    }

    public int invokeList(int process, String service, long time) {
        return recorder.invoke(process, InstanceSetInput.list(service), time);
    }

    /** A list that returned these instances. */
    public void okList(int opId, Collection<String> instances, long time) {
        requireList(opId, true);
        recorder.ok(opId, InstanceSet.of(instances), time);
    }

    /** A register or deregister that was acknowledged. */
    public void okChange(int opId, long time) {
        requireList(opId, false);
        recorder.ok(opId, WriteAck.OK, time);
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
    public List<Operation<InstanceSetInput, Object>> operations() {
        return recorder.operations();
    }

    public CheckResult check(long stepBudgetPerPartition) {
        return LinearizabilityChecker.check(InstanceSetModel.INSTANCE, operations(), stepBudgetPerPartition);
    }

    private void requireList(int opId, boolean list) {
        InstanceSetInput.Kind kind = recorder.input(opId).kind();
        if ((kind == InstanceSetInput.Kind.LIST) != list) {
            throw new IllegalArgumentException("operation " + opId + " is a " + kind);
        }
    }
}
