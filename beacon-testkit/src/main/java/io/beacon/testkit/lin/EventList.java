// Owns: the time-ordered doubly linked list of call and return events, with lift/unlift of an operation.
package io.beacon.testkit.lin;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Call and return events of one partition sorted by time (a call before a return at equal times), stored as a doubly
 * linked list in arrays. Node 0 is the head sentinel; {@link #NONE} ends the list. Lifting an operation unlinks its
 * call and return; unlifting in reverse (stack) order restores them exactly.
 */
final class EventList {

    static final int HEAD = 0;
    static final int NONE = -1;

    private final int[] next;
    private final int[] previous;
    private final int[] operationOf;
    private final int[] returnNodeOf; // for a call node: its return node; for a return node: NONE
    private final int[] callNodeOfOperation;

    <I, O> EventList(List<Operation<I, O>> operations) {
        int count = operations.size();
        Integer[] events = new Integer[2 * count]; // event e: operation e / 2, a call if e is even
        for (int event = 0; event < events.length; event++) {
            events[event] = event;
        }
        Arrays.sort(events, Comparator
            .comparingLong((Integer event) -> timeOf(operations, event))
            .thenComparingInt(event -> event % 2)
            .thenComparingInt(event -> event / 2));

        int nodes = events.length + 1;
        next = new int[nodes];
        previous = new int[nodes];
        operationOf = new int[nodes];
        returnNodeOf = new int[nodes];
        callNodeOfOperation = new int[count];
        int[] returnNodeOfOperation = new int[count];
        operationOf[HEAD] = NONE;
        for (int position = 0; position < events.length; position++) {
            int node = position + 1;
            int event = events[position];
            operationOf[node] = event / 2;
            if (event % 2 == 0) {
                callNodeOfOperation[event / 2] = node;
            } else {
                returnNodeOfOperation[event / 2] = node;
            }
        }
        for (int node = 0; node < nodes; node++) {
            previous[node] = node - 1;
            next[node] = node + 1 < nodes ? node + 1 : NONE;
            returnNodeOf[node] = NONE;
        }
        previous[HEAD] = NONE;
        for (int operation = 0; operation < count; operation++) {
            returnNodeOf[callNodeOfOperation[operation]] = returnNodeOfOperation[operation];
        }
    }

    private static <I, O> long timeOf(List<Operation<I, O>> operations, int event) {
        Operation<I, O> operation = operations.get(event / 2);
        return event % 2 == 0 ? operation.callTime() : operation.returnTime();
    }

    boolean isEmpty() {
        return next[HEAD] == NONE;
    }

    int first() {
        return next[HEAD];
    }

    int next(int node) {
        return next[node];
    }

    boolean isCall(int node) {
        return returnNodeOf[node] != NONE;
    }

    int operation(int node) {
        return operationOf[node];
    }

    int callNode(int operation) {
        return callNodeOfOperation[operation];
    }

    /** Unlinks the call node and its matching return node. */
    void lift(int callNode) {
        unlink(callNode);
        unlink(returnNodeOf[callNode]);
    }

    /** Relinks a lifted call node and its return node; must be called in reverse order of lifting. */
    void unlift(int callNode) {
        relink(returnNodeOf[callNode]);
        relink(callNode);
    }

    private void unlink(int node) {
        next[previous[node]] = next[node];
        if (next[node] != NONE) {
            previous[next[node]] = previous[node];
        }
    }

    private void relink(int node) {
        next[previous[node]] = node;
        if (next[node] != NONE) {
            previous[next[node]] = node;
        }
    }
}
