// Owns: the two nemesis workloads as far as the report cares: their names and the operations each records.
package io.beacon.testkit.nemesis;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which workload produced a history, and so which model checks it: {@link #KV} (read / write / cas on registers,
 * checked with the CAS register model) or {@link #REGISTRY} (register / deregister / list of a service's instances,
 * checked with the instance set model).
 */
public enum WorkloadKind {
    KV("kv", Set.of("read", "write", "cas")),
    REGISTRY("registry", Set.of("register", "deregister", "list"));

    private final String label;
    private final Set<String> functions;

    WorkloadKind(String label, Set<String> functions) {
        this.label = label;
        this.functions = functions;
    }

    /** The name on the command line ({@code --workload kv|registry}) and in the report files. */
    public String label() {
        return label;
    }

    /** True if {@code f} is an operation this workload records. */
    public boolean records(String f) {
        return functions.contains(f);
    }

    public static WorkloadKind fromLabel(String label) {
        for (WorkloadKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + label + "' (expected " + labels() + ")");
    }

    public static String labels() {
        return Arrays.stream(values()).map(WorkloadKind::label).collect(Collectors.joining("|"));
    }

    /**
     * The workload whose operations the history records, judged by its first event; for re-checking a saved run
     * without being told. An empty history is taken as {@link #KV} (there is nothing to check either way).
     */
    public static WorkloadKind inferFrom(List<HistoryEvent> history) {
        if (history.isEmpty()) {
            return KV;
        }
        String f = history.get(0).f();
        for (WorkloadKind kind : values()) {
            if (kind.records(f)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("operation '" + f + "' belongs to no workload (" + labels() + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
