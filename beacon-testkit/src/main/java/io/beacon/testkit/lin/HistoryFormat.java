// Owns: the history file formats the command line tool understands, and how each is parsed and checked.
package io.beacon.testkit.lin;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A history file format: how to parse it and which model to check it against. */
public enum HistoryFormat {

    JEPSEN_ETCD("jepsen-etcd") {
        @Override
        public ParsedHistory parse(String source, List<String> lines) throws HistoryParseException {
            List<Operation<RegisterInput, Object>> operations = JepsenEtcdParser.parse(source, lines);
            return (budget, timeout) ->
                LinearizabilityChecker.check(CasRegisterModel.INSTANCE, operations, budget, timeout);
        }
    },
    PORCUPINE_KV("porcupine-kv") {
        @Override
        public ParsedHistory parse(String source, List<String> lines) throws HistoryParseException {
            List<Operation<KvInput, String>> operations = PorcupineKvParser.parse(source, lines);
            return (budget, timeout) -> LinearizabilityChecker.check(KvModel.INSTANCE, operations, budget, timeout);
        }
    };

    /** A parsed history, ready to be checked with a step budget per partition and an optional timeout. */
    @FunctionalInterface
    public interface ParsedHistory {
        CheckResult check(long stepBudgetPerPartition, Duration timeoutOrNull);
    }

    private final String label;

    HistoryFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses the lines of a file; {@code source} names it in error messages. */
    public abstract ParsedHistory parse(String source, List<String> lines) throws HistoryParseException;

    public static HistoryFormat fromLabel(String label) {
        for (HistoryFormat format : values()) {
            if (format.label.equals(label)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format '" + label + "' (expected " + labels() + ")");
    }

    public static String labels() {
        return Arrays.stream(values()).map(HistoryFormat::label).collect(Collectors.joining("|"));
    }

    @Override
    public String toString() {
        return label;
    }
}
