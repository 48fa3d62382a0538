// Owns: pairing a history's invocations with their completions into whole operations, as the harness saw them.
package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client operation from invocation to completion, before any interpretation by a model: what the checker, the
 * availability count and the timeline all start from.
 *
 * @param process      the client process
 * @param f            the operation, as in {@link HistoryEvent#f()}
 * @param key          the register or service it acts on
 * @param value        the invocation's value (what a write or cas sets, the instance a register names)
 * @param expected     what a cas compares with
 * @param invokeTime   nanoseconds since the run started
 * @param outcome      how it completed, or {@link Outcome#PENDING} if it never did
 * @param result       the completion's value (what a read or list returned), null if none or pending
 * @param completeTime nanoseconds since the run started; {@link #NEVER} if pending
 */
public record RecordedOperation(int process, String f, String key, String value, String expected, long invokeTime,
                                Outcome outcome, String result, long completeTime) {

    public static final long NEVER = Long.MAX_VALUE;

    /** How an operation ended: {@code ok}, {@code fail} (no effect), {@code info} (unknown), or not at all. */
    public enum Outcome {
        OK, FAIL, INFO, PENDING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isCompleted() {
        return outcome != Outcome.PENDING;
    }

    /**
     * Pairs each invocation with the next completion of the same process, in the order of the list (each process has
     * at most one operation in flight). Operations come out in invocation order.
     *
     * @throws IllegalArgumentException if a process invokes while an operation is in flight, completes one it never
     *                                  invoked, or completes a different operation (f or key) than it invoked
     */
    public static List<RecordedOperation> pair(List<HistoryEvent> history) {
        List<RecordedOperation> operations = new ArrayList<>(history.size() / 2 + 1);
        Map<Integer, Integer> inFlight = new HashMap<>(); // process -> index in operations
        for (int index = 0; index < history.size(); index++) {
            HistoryEvent event = history.get(index);
            Integer open = inFlight.get(event.process());
            if (event.type() == HistoryEvent.Type.INVOKE) {
                if (open != null) {
                    throw inconsistent(index, event, "invoked while its operation " + open + " is in flight");
                }
                inFlight.put(event.process(), operations.size());
                operations.add(new RecordedOperation(event.process(), event.f(), event.key(), event.value(),
                    event.expected(), event.time(), Outcome.PENDING, null, NEVER));
                continue;
            }
            if (open == null) {
                throw inconsistent(index, event, "completes an operation that was never invoked");
            }
            RecordedOperation invoked = operations.get(open);
            if (!invoked.f().equals(event.f()) || !invoked.key().equals(event.key())) {
                throw inconsistent(index, event, "completes " + event.f() + " on " + event.key()
                    + " but invoked " + invoked.f() + " on " + invoked.key());
            }
            if (event.time() < invoked.invokeTime()) {
                throw inconsistent(index, event, "completes before it was invoked");
            }
            inFlight.remove(event.process());
            operations.set(open, invoked.completedBy(event));
        }
        return operations;
    }

    private RecordedOperation completedBy(HistoryEvent completion) {
        Outcome ending = switch (completion.type()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case INFO -> Outcome.INFO;
            case INVOKE -> throw new IllegalStateException("an invocation does not complete an operation");
        };
        return new RecordedOperation(process, f, key, value, expected, invokeTime, ending, completion.value(),
            completion.time());
    }

    private static IllegalArgumentException inconsistent(int index, HistoryEvent event, String problem) {
        return new IllegalArgumentException("history event " + (index + 1) + " (process " + event.process() + ", "
            + event.type().label() + " " + event.f() + " on " + event.key() + "): " + problem);
    }
}
