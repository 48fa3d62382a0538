// Owns: completing a history (indeterminate returns at +infinity, useless unknown reads dropped) and splitting it
// into independent partitions by the model's partition key.
package io.beacon.testkit.lin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class HistoryPartitioner {

    /** One independent sub-history. */
    record Partition<I, O>(Object key, List<Operation<I, O>> operations) {
    }

    private HistoryPartitioner() {
    }

    /** Partitions in order of first appearance in the history; operations keep their history order. */
    static <S, I, O> List<Partition<I, O>> partition(Model<S, I, O> model, List<Operation<I, O>> history) {
        Map<Object, List<Operation<I, O>>> byKey = new LinkedHashMap<>();
        for (Operation<I, O> operation : history) {
            if (operation == null) {
                throw new IllegalArgumentException("history contains a null operation");
            }
            List<Operation<I, O>> bucket =
                byKey.computeIfAbsent(model.partitionKey(operation.input()), key -> new ArrayList<>());
            if (operation.isIndeterminate() && model.isReadOnly(operation.input())) {
                continue; // an unknown read constrains nothing; the partition is still listed
            }
            bucket.add(complete(operation));
        }
        List<Partition<I, O>> partitions = new ArrayList<>(byKey.size());
        byKey.forEach((key, operations) -> partitions.add(new Partition<>(key, List.copyOf(operations))));
        return partitions;
    }

    private static <I, O> Operation<I, O> complete(Operation<I, O> operation) {
        if (operation.isIndeterminate() && operation.returnTime() != Operation.INFINITY) {
            return Operation.indeterminate(operation.process(), operation.input(), operation.callTime());
        }
        return operation;
    }
}
