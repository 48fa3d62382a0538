// Owns: the Wing-Gong-Lowe depth-first search with backtracking and memoisation over one partition.
package io.beacon.testkit.lin;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Searches for a linearization of one partition. Walks the event list from the head: at a call it tries to apply the
 * operation (lifting it out of the list when the model accepts it and the (linearized set, state) pair is new); at a
 * return it backtracks, because that operation reached its deadline without being linearized. Every loop iteration is
 * one step; exceeding the step budget or the deadline gives UNKNOWN. The result depends only on the input, the model
 * and the budget (the cache is only queried for membership, never iterated).
 */
final class PartitionSearch<S, I, O> {

    private static final int DEADLINE_CHECK_INTERVAL = 1024;

    private record CacheEntry(BitSet linearized, Object state) {
    }

    private final Model<S, I, O> model;
    private final List<Operation<I, O>> operations;
    private final long stepBudget;
    private final Deadline deadline;

    private final EventList events;
    private final BitSet linearized;
    private final Set<CacheEntry> cache = new HashSet<>();
    private final int[] stackCalls;
    private final Object[] stackStates;
    private int depth;
    private LongestPrefix<I, O> longest;

    PartitionSearch(Model<S, I, O> model, List<Operation<I, O>> operations, long stepBudget, Deadline deadline) {
        this.model = model;
        this.operations = operations;
        this.stepBudget = stepBudget;
        this.deadline = deadline;
        this.events = new EventList(operations);
        this.linearized = new BitSet(operations.size());
        this.stackCalls = new int[operations.size()];
        this.stackStates = new Object[operations.size()];
    }

    PartitionOutcome run() {
        S state = model.initial();
        int definiteRemaining = (int) operations.stream().filter(operation -> !operation.isIndeterminate()).count();
        long steps = 0;
        recordIfLongest(state);
        int node = events.first();
        while (!events.isEmpty()) {
            if (definiteRemaining == 0) {
                // Only indeterminate operations remain: unknown outputs are accepted in every state, so they can be
                // linearized in any order.
                break;
            }
            if (steps >= stepBudget) {
                return unknown(steps, "step budget of " + stepBudget + " exhausted");
            }
            steps++;
            if (steps % DEADLINE_CHECK_INTERVAL == 0 && deadline.hasPassed()) {
                return unknown(steps, "deadline passed");
            }
            int operationIndex = events.operation(node);
            if (events.isCall(node)) {
                Operation<I, O> operation = operations.get(operationIndex);
                S nextState = model.step(state, operation.input(), operation.output());
                if (nextState != null && remember(operationIndex, nextState)) {
                    stackCalls[depth] = node;
                    stackStates[depth] = state;
                    depth++;
                    state = nextState;
                    events.lift(node);
                    if (!operation.isIndeterminate()) {
                        definiteRemaining--;
                    }
                    recordIfLongest(state);
                    node = events.first();
                } else {
                    node = events.next(node);
                }
            } else {
                if (depth == 0) {
                    return new PartitionOutcome(Verdict.NOT_LINEARIZABLE, steps, operations.size(),
                        longest.describe("    "));
                }
                depth--;
                int callNode = stackCalls[depth];
                @SuppressWarnings("unchecked")
                S previous = (S) stackStates[depth];
                state = previous;
                stackStates[depth] = null;
                int undone = events.operation(callNode);
                linearized.clear(undone);
                events.unlift(callNode);
                if (!operations.get(undone).isIndeterminate()) {
                    definiteRemaining++;
                }
                node = events.next(callNode);
            }
        }
        return new PartitionOutcome(Verdict.LINEARIZABLE, steps, operations.size(), "");
    }

    /** Marks the operation linearized if (set + operation, state) is new; otherwise leaves everything unchanged. */
    private boolean remember(int operationIndex, S nextState) {
        linearized.set(operationIndex);
        if (cache.add(new CacheEntry((BitSet) linearized.clone(), nextState))) {
            return true;
        }
        linearized.clear(operationIndex);
        return false;
    }

    private void recordIfLongest(S state) {
        if (longest != null && longest.prefix().size() >= depth) {
            return;
        }
        List<Operation<I, O>> prefix = new ArrayList<>(depth);
        for (int level = 0; level < depth; level++) {
            prefix.add(operations.get(events.operation(stackCalls[level])));
        }
        List<Operation<I, O>> candidates = new ArrayList<>();
        Operation<I, O> firstToReturn = null;
        for (int node = events.first(); node != EventList.NONE; node = events.next(node)) {
            Operation<I, O> operation = operations.get(events.operation(node));
            if (!events.isCall(node)) {
                firstToReturn = operation;
                break;
            }
            candidates.add(operation);
        }
        longest = new LongestPrefix<>(prefix, state, candidates, firstToReturn, operations.size());
    }

    private PartitionOutcome unknown(long steps, String reason) {
        return new PartitionOutcome(Verdict.UNKNOWN, steps, operations.size(), "    " + reason + "\n");
    }
}
