// Owns: recording invocations and their completions (ok / fail / info) into a list of operations.
package io.beacon.testkit.lin;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a history as clients run. Each invocation gets an id (its index, in invocation order). A definite failure
 * drops the operation (it had no effect); {@code info}, and an invocation never completed, make it indeterminate.
 * Methods are synchronized so a multi-threaded harness may share one recorder; a single-threaded simulator pays
 * nothing observable for it.
 */
public final class HistoryRecorder<I, O> {

    private enum Status { PENDING, OK, FAILED, INDETERMINATE }

    private static final class Entry<I, O> {
        final int process;
        final I input;
        final long callTime;
        Status status = Status.PENDING;
        O output;
        long returnTime = Operation.INFINITY;

        Entry(int process, I input, long callTime) {
            this.process = process;
            this.input = input;
            this.callTime = callTime;
        }
    }

    private final List<Entry<I, O>> entries = new ArrayList<>();

    /** Records a call and returns the operation id. */
    public synchronized int invoke(int process, I input, long time) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        entries.add(new Entry<>(process, input, time));
        return entries.size() - 1;
    }

    /** Records a definite success with its output. */
    public synchronized void ok(int operationId, O output, long time) {
        if (output == null) {
            throw new IllegalArgumentException("a successful operation needs an output");
        }
        Entry<I, O> entry = pending(operationId);
        requireNotBeforeCall(entry, time);
        entry.status = Status.OK;
        entry.output = output;
        entry.returnTime = time;
    }

    /** Records a definite failure: the operation had no effect and is dropped from the history. */
    public synchronized void fail(int operationId, long time) {
        Entry<I, O> entry = pending(operationId);
        requireNotBeforeCall(entry, time);
        entry.status = Status.FAILED;
    }

    /** Records an indeterminate outcome: the operation may or may not have taken effect. */
    public synchronized void info(int operationId) {
        pending(operationId).status = Status.INDETERMINATE;
    }

    /** The input the operation was invoked with. */
    public synchronized I input(int operationId) {
        return entry(operationId).input;
    }

    /** True if the operation has been invoked but not yet completed. */
    public synchronized boolean isPending(int operationId) {
        return entry(operationId).status == Status.PENDING;
    }

    /** The recorded operations in invocation order, without failed ones; pending ones count as indeterminate. */
    public synchronized List<Operation<I, O>> operations() {
        List<Operation<I, O>> operations = new ArrayList<>(entries.size());
        for (Entry<I, O> entry : entries) {
            switch (entry.status) {
                case OK -> operations.add(
                    Operation.completed(entry.process, entry.input, entry.output, entry.callTime, entry.returnTime));
                case PENDING, INDETERMINATE ->
                    operations.add(Operation.indeterminate(entry.process, entry.input, entry.callTime));
                case FAILED -> { }
            }
        }
        return List.copyOf(operations);
    }

    private Entry<I, O> entry(int operationId) {
        if (operationId < 0 || operationId >= entries.size()) {
            throw new IllegalArgumentException("unknown operation id " + operationId);
        }
        return entries.get(operationId);
    }

    private Entry<I, O> pending(int operationId) {
        Entry<I, O> entry = entry(operationId);
        if (entry.status != Status.PENDING) {
            throw new IllegalStateException("operation " + operationId + " already completed: " + entry.status);
        }
        return entry;
    }

    private static void requireNotBeforeCall(Entry<?, ?> entry, long time) {
        if (time < entry.callTime) {
            throw new IllegalArgumentException(
                "completion time " + time + " is before the call time " + entry.callTime);
        }
    }
}
