// Owns: reading Porcupine key-value histories (one EDN map per line) into a get / put / append history.
package io.beacon.testkit.lin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses lines such as {@code {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}}. Types are
 * invoke, ok (a get's :value is what it read), fail (no effect: dropped) and info (indeterminate); an invocation never
 * completed is indeterminate. Blank lines are skipped. The line number is the logical time.
 */
public final class PorcupineKvParser {

    private final String source;
    private final HistoryRecorder<KvInput, String> recorder = new HistoryRecorder<>();
    private final Map<Long, Integer> pendingByProcess = new HashMap<>();

    private PorcupineKvParser(String source) {
        this.source = source;
    }

    public static List<Operation<KvInput, String>> parse(String source, List<String> lines)
        throws HistoryParseException {
        PorcupineKvParser parser = new PorcupineKvParser(source);
        for (int index = 0; index < lines.size(); index++) {
            if (!lines.get(index).isBlank()) {
                parser.parseLine(index + 1, lines.get(index));
            }
        }
        return parser.recorder.operations();
    }

    private void parseLine(int lineNumber, String line) throws HistoryParseException {
        Map<String, Object> map;
        try {
            map = EdnMapReader.readMap(line);
        } catch (IllegalArgumentException malformed) {
            throw error(lineNumber, "malformed EDN map: " + malformed.getMessage());
        }
        long process = field(lineNumber, map, "process", Long.class);
        String type = field(lineNumber, map, "type", EdnMapReader.Keyword.class).name();
        String function = field(lineNumber, map, "f", EdnMapReader.Keyword.class).name();
        String key = field(lineNumber, map, "key", String.class);
        Object value = map.get("value");
        if (value != null && !(value instanceof String)) {
            throw error(lineNumber, ":value must be a string or nil, got " + value);
        }
        switch (type) {
            case "invoke" -> invoke(lineNumber, process, input(lineNumber, function, key, (String) value));
            case "ok" -> complete(lineNumber, process, function, key, (String) value);
            case "fail" -> recorder.fail(takePending(lineNumber, process, function, key), lineNumber);
            case "info" -> recorder.info(takePending(lineNumber, process, function, key));
            default -> throw error(lineNumber, "unknown :type :" + type + " (expected :invoke, :ok, :fail or :info)");
        }
    }

    private KvInput input(int lineNumber, String function, String key, String value) throws HistoryParseException {
        if (!function.equals("get") && value == null) {
            throw error(lineNumber, ":" + function + " needs a string :value");
        }
        return switch (function) {
            case "get" -> KvInput.get(key);
            case "put" -> KvInput.put(key, value);
            case "append" -> KvInput.append(key, value);
            default -> throw error(lineNumber, "unknown :f :" + function + " (expected :get, :put or :append)");
        };
    }

    private void invoke(int lineNumber, long process, KvInput input) throws HistoryParseException {
        if (pendingByProcess.containsKey(process)) {
            throw error(lineNumber, "process " + process + " invokes while its previous operation is pending");
        }
        pendingByProcess.put(process, recorder.invoke(toProcessNumber(lineNumber, process), input, lineNumber));
    }

    private void complete(int lineNumber, long process, String function, String key, String value)
        throws HistoryParseException {
        int operationId = takePending(lineNumber, process, function, key);
        if (function.equals("get") && value == null) {
            throw error(lineNumber, "an :ok :get needs the string it read as :value");
        }
        recorder.ok(operationId, function.equals("get") ? value : "ok", lineNumber);
    }

    private int takePending(int lineNumber, long process, String function, String key) throws HistoryParseException {
        Integer operationId = pendingByProcess.remove(process);
        if (operationId == null) {
            throw error(lineNumber, "process " + process + " completes :" + function + " without a pending invoke");
        }
        KvInput pending = recorder.input(operationId);
        if (!pending.kind().name().toLowerCase(java.util.Locale.ROOT).equals(function) || !pending.key().equals(key)) {
            throw error(lineNumber, "process " + process + " completes :" + function + " on key " + key
                + " but its pending operation is " + pending);
        }
        return operationId;
    }

    private <T> T field(int lineNumber, Map<String, Object> map, String name, Class<T> type)
        throws HistoryParseException {
        Object value = map.get(name);
        if (!type.isInstance(value)) {
            throw error(lineNumber, "missing or invalid :" + name + " (got " + value + ")");
        }
        return type.cast(value);
    }

    private int toProcessNumber(int lineNumber, long process) throws HistoryParseException {
        if (process < Integer.MIN_VALUE || process > Integer.MAX_VALUE) {
            throw error(lineNumber, "process number out of range: " + process);
        }
        return (int) process;
    }

    private HistoryParseException error(int lineNumber, String problem) {
        return new HistoryParseException(source, lineNumber, problem);
    }
}
