package io.beacon.testkit.sim;

import java.util.TreeMap;

/** The test state machine: string keys to string values, written or compared-and-set through the log. */
final class KvStateMachine {
    private final TreeMap<String, String> values = new TreeMap<>();

    /** Applies a command; returns whether it took effect (a compare-and-set may not). */
    boolean apply(KvCommand command) {
        if (command.compareAndSet() && !command.expected().equals(values.get(command.key()))) {
            return false;
        }
        values.put(command.key(), command.value());
        return true;
    }

    String read(String key) {
        return values.get(key);
    }

    TreeMap<String, String> contents() {
        return new TreeMap<>(values);
    }
}
