// Owns: reading Jepsen etcd register logs (INFO jepsen.util lines) into a CAS register history.
package io.beacon.testkit.lin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses lines {@code INFO  jepsen.util - PROC\t:TYPE\t:F\tVALUE} (tabs or spaces) of a single-register Jepsen log.
 * TYPE is invoke, ok, fail (no effect: dropped) or info (indeterminate); F is read, write or cas
 * ({@code [FROM TO]}); {@code nil} is the absent value. An invocation never completed is indeterminate. Lines that
 * are not client operations are ignored. The line number is the logical time.
 */
public final class JepsenEtcdParser {

    /** The key of the single register in these logs. */
    public static final String KEY = "register";

    private static final Pattern CLIENT_LINE = Pattern.compile("^INFO\\s+jepsen\\.util - (\\d+)\\s+(.*)$");
    private static final Pattern OPERATION = Pattern.compile("^:(\\w+)\\s+:(\\w+)\\s+(.*)$");
    private static final Pattern CAS_VALUE = Pattern.compile("^\\[(\\S+) (\\S+)]$");
    private static final Pattern PLAIN_VALUE = Pattern.compile("^[^\\s\\[\\]]+$");

    private final String source;
    private final RegisterHistory history = new RegisterHistory();
    private final Map<Integer, Integer> pendingByProcess = new HashMap<>();
    private final Map<Integer, String> pendingFunctionByProcess = new HashMap<>();

    private JepsenEtcdParser(String source) {
        this.source = source;
    }

    public static List<Operation<RegisterInput, Object>> parse(String source, List<String> lines)
        throws HistoryParseException {
        JepsenEtcdParser parser = new JepsenEtcdParser(source);
        for (int index = 0; index < lines.size(); index++) {
            parser.parseLine(index + 1, lines.get(index));
        }
        return parser.history.operations();
    }

    private void parseLine(int lineNumber, String line) throws HistoryParseException {
        Matcher client = CLIENT_LINE.matcher(line);
        if (!client.matches()) {
            return;
        }
        int process;
        try {
            process = Integer.parseInt(client.group(1));
        } catch (NumberFormatException tooLarge) {
            throw error(lineNumber, "process number out of range: " + client.group(1));
        }
        Matcher operation = OPERATION.matcher(client.group(2));
        if (!operation.matches()) {
            throw error(lineNumber, "expected ':TYPE :F VALUE' after the process number");
        }
        String type = operation.group(1);
        String function = operation.group(2);
        String value = operation.group(3).strip();
        if (!function.equals("read") && !function.equals("write") && !function.equals("cas")) {
            throw error(lineNumber, "unknown operation :" + function + " (expected :read, :write or :cas)");
        }
        switch (type) {
            case "invoke" -> invoke(lineNumber, process, function, value);
            case "ok" -> complete(lineNumber, process, function, value);
            case "fail" -> history.fail(takePending(lineNumber, process, function), lineNumber);
            case "info" -> history.info(takePending(lineNumber, process, function));
            default -> throw error(lineNumber, "unknown type :" + type + " (expected :invoke, :ok, :fail or :info)");
        }
    }

    private void invoke(int lineNumber, int process, String function, String value) throws HistoryParseException {
        Integer pending = pendingByProcess.get(process);
        if (pending != null) {
            throw error(lineNumber, "process " + process + " invokes :" + function
                + " while its :" + pendingFunctionByProcess.get(process) + " is still pending");
        }
        int operationId = switch (function) {
            case "read" -> history.invokeRead(process, KEY, lineNumber);
            case "write" -> history.invokeWrite(process, KEY, plainValue(lineNumber, value), lineNumber);
            default -> {
                Matcher cas = CAS_VALUE.matcher(value);
                if (!cas.matches()) {
                    throw error(lineNumber, "expected a cas value [FROM TO], got '" + value + "'");
                }
                yield history.invokeCas(process, KEY, nilToNull(cas.group(1)), nilToNull(cas.group(2)), lineNumber);
            }
        };
        pendingByProcess.put(process, operationId);
        pendingFunctionByProcess.put(process, function);
    }

    private void complete(int lineNumber, int process, String function, String value) throws HistoryParseException {
        int operationId = takePending(lineNumber, process, function);
        switch (function) {
            case "read" -> history.okRead(operationId, plainValue(lineNumber, value), lineNumber);
            case "write" -> history.okWrite(operationId, lineNumber);
            default -> history.okCas(operationId, true, lineNumber);
        }
    }

    private int takePending(int lineNumber, int process, String function) throws HistoryParseException {
        Integer operationId = pendingByProcess.remove(process);
        String pendingFunction = pendingFunctionByProcess.remove(process);
        if (operationId == null) {
            throw error(lineNumber, "process " + process + " completes :" + function + " without a pending invoke");
        }
        if (!pendingFunction.equals(function)) {
            throw error(lineNumber, "process " + process + " completes :" + function
                + " but its pending operation is :" + pendingFunction);
        }
        return operationId;
    }

    private String plainValue(int lineNumber, String value) throws HistoryParseException {
        if (!PLAIN_VALUE.matcher(value).matches()) {
            throw error(lineNumber, "expected a single value, got '" + value + "'");
        }
        return nilToNull(value);
    }

    private static String nilToNull(String token) {
        return token.equals("nil") ? null : token;
    }

    private HistoryParseException error(int lineNumber, String problem) {
        return new HistoryParseException(source, lineNumber, problem);
    }
}
