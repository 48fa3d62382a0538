// Owns: recording the client history of a nemesis run as it happens (in memory and in history.jsonl), and reading
// a saved history.jsonl back. Never interprets the operations: pairing and checking are HistoryCheck's.
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.testkit.lin.HistoryParseException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The sink that client threads report their operations to. Each call stamps the time from one clock (the run's
 * monotonic nanoseconds since start, shared with the fault log) inside one lock, so the file is in time order and no
 * two clocks are ever mixed (verification.md §1.4, clock hygiene). A process has at most one operation in flight:
 * invoking a second one, or completing one that was never invoked, is a harness bug and throws.
 *
 * <p>A completion copies {@code f}, {@code key} and {@code expected} from its invocation, so a client only says what
 * came back. Each event is appended to {@code history.jsonl} as one JSON object per line:
 * {@code {"process":3,"type":"invoke","f":"cas","key":"k7","value":"12","expected":"9","time":81234567}} with every
 * field always present ({@code null} where there is nothing). {@code type} is {@code invoke|ok|fail|info}.
 */
public final class HistoryLog implements Closeable {

    public static final String FILE_NAME = "history.jsonl";

    private final LongSupplier clock;
    private final JsonLines.Writer file;
    private final List<HistoryEvent> events = new ArrayList<>();
    private final Map<Integer, HistoryEvent> inFlight = new HashMap<>();

    private HistoryLog(LongSupplier clock, JsonLines.Writer file) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.file = file;
    }

    /**
     * Starts a history written to {@code directory/history.jsonl} (replacing any earlier file). {@code clock} gives
     * nanoseconds since the run started, e.g. {@code () -> System.nanoTime() - start}.
     */
    public static HistoryLog create(Path directory, LongSupplier clock) throws IOException {
        return new HistoryLog(clock, new JsonLines.Writer(directory.resolve(FILE_NAME)));
    }

    /** A history kept only in memory (tests, dry runs). */
    public static HistoryLog inMemory(LongSupplier clock) {
        return new HistoryLog(clock, null);
    }

    /**
     * Process {@code process} starts an operation: call it just before sending the request. {@code value}: what a
     * write or cas sets, or the instance a register or deregister names (null for reads and lists);
     * {@code expected}: what a cas compares with (null otherwise, or to expect the key absent).
     */
    public synchronized HistoryEvent invoke(int process, String f, String key, String value, String expected) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(key, "key");
        HistoryEvent pending = inFlight.get(process);
        if (pending != null) {
            throw new IllegalStateException("process " + process + " invokes " + f + " on " + key
                + " while its " + pending.f() + " on " + pending.key() + " is still in flight");
        }
        HistoryEvent event =
            new HistoryEvent(process, HistoryEvent.Type.INVOKE, f, key, value, expected, clock.getAsLong());
        inFlight.put(process, event);
        append(event);
        return event;
    }

    /**
     * The operation took effect and returned: call it just after the response arrived. {@code value}: what a read
     * returned (null = the key was absent) or what a list returned (sorted instance ids joined with {@code ','},
     * the empty string for none); for writes, cas, register and deregister pass the invoked value (it is not
     * checked). A cas whose comparison failed did not take effect: that is {@link #fail}, not ok.
     */
    public synchronized HistoryEvent ok(int process, String value) {
        return complete(process, HistoryEvent.Type.OK, value, true);
    }

    /** The operation certainly took no effect (e.g. a definite error, or a cas whose expected value differed). */
    public synchronized HistoryEvent fail(int process) {
        return complete(process, HistoryEvent.Type.FAIL, null, false);
    }

    /** The outcome is unknown (a timeout, a reset connection): the operation may or may not take effect, ever. */
    public synchronized HistoryEvent info(int process) {
        return complete(process, HistoryEvent.Type.INFO, null, false);
    }

    private HistoryEvent complete(int process, HistoryEvent.Type type, String value, boolean useValue) {
        HistoryEvent invocation = inFlight.remove(process);
        if (invocation == null) {
            throw new IllegalStateException("process " + process + " completes (" + type.label()
                + ") an operation it never invoked");
        }
        HistoryEvent event = new HistoryEvent(process, type, invocation.f(), invocation.key(),
            useValue ? value : invocation.value(), invocation.expected(), clock.getAsLong());
        append(event);
        return event;
    }

    private void append(HistoryEvent event) {
        events.add(event);
        if (file != null) {
            file.append(json -> writeFields(json, event));
        }
    }

    /** The events so far, in the order they were recorded. */
    public synchronized List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    /** Writes buffered lines to the file now. */
    public void flush() throws IOException {
        if (file != null) {
            file.flush();
        }
    }

    /** Flushes and closes the file; operations still in flight stay unfinished (they count as indeterminate). */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    /** Reads a saved {@code history.jsonl}. */
    public static List<HistoryEvent> read(Path file) throws IOException, HistoryParseException {
        return JsonLines.read(file, HistoryLog::parse);
    }

    private static void writeFields(JsonGenerator json, HistoryEvent event) throws IOException {
        json.writeNumberField("process", event.process());
        json.writeStringField("type", event.type().label());
        json.writeStringField("f", event.f());
        json.writeStringField("key", event.key());
        json.writeStringField("value", event.value());
        json.writeStringField("expected", event.expected());
        json.writeNumberField("time", event.time());
    }

    private static HistoryEvent parse(JsonNode object) {
        long process = JsonLines.requiredLong(object, "process");
        if (process < Integer.MIN_VALUE || process > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field 'process' is out of range: " + process);
        }
        return new HistoryEvent((int) process,
            JsonLines.requiredLabel(object, "type", HistoryEvent.Type.class),
            JsonLines.requiredString(object, "f"),
            JsonLines.requiredString(object, "key"),
            JsonLines.optionalString(object, "value"),
            JsonLines.optionalString(object, "expected"),
            JsonLines.requiredLong(object, "time"));
    }
}
