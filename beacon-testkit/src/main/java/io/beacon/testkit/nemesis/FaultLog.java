// Owns: recording the fault timeline of a nemesis run (in memory and in faults.jsonl), and reading it back.
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.testkit.lin.HistoryParseException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The sink the fault injector reports to. Thread-safe. Each event is kept in memory and appended to
 * {@code faults.jsonl} as one JSON object per line, every field always present:
 * {@code {"time":5000000000,"fault":"partition","phase":"start","nodes":[0],"detail":"isolate n1","tolerated":true}}
 * with {@code phase} one of {@code start|end|note}. The event's time must come from the same clock as the history's.
 */
public final class FaultLog implements Consumer<FaultEvent>, Closeable {

    public static final String FILE_NAME = "faults.jsonl";

    private final JsonLines.Writer file;
    private final List<FaultEvent> events = new ArrayList<>();

    private FaultLog(JsonLines.Writer file) {
        this.file = file;
    }

    /** Starts a fault timeline written to {@code directory/faults.jsonl} (replacing any earlier file). */
    public static FaultLog create(Path directory) throws IOException {
        return new FaultLog(new JsonLines.Writer(directory.resolve(FILE_NAME)));
    }

    /** A fault timeline kept only in memory (tests, dry runs). */
    public static FaultLog inMemory() {
        return new FaultLog(null);
    }

    @Override
    public synchronized void accept(FaultEvent event) {
        Objects.requireNonNull(event.fault(), "fault");
        Objects.requireNonNull(event.phase(), "phase");
        events.add(event);
        if (file != null) {
            file.append(json -> writeFields(json, event));
        }
    }

    /** The events so far, in the order they were reported. */
    public synchronized List<FaultEvent> events() {
        return List.copyOf(events);
    }

    public void flush() throws IOException {
        if (file != null) {
            file.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    /** Reads a saved {@code faults.jsonl}. */
    public static List<FaultEvent> read(Path file) throws IOException, HistoryParseException {
        return JsonLines.read(file, FaultLog::parse);
    }

    private static void writeFields(JsonGenerator json, FaultEvent event) throws IOException {
        json.writeNumberField("time", event.time());
        json.writeStringField("fault", event.fault());
        json.writeStringField("phase", event.phase().label());
        json.writeArrayFieldStart("nodes");
        for (int node : event.nodes()) {
            json.writeNumber(node);
        }
        json.writeEndArray();
        json.writeStringField("detail", event.detail());
        json.writeBooleanField("tolerated", event.tolerated());
    }

    private static FaultEvent parse(JsonNode object) {
        List<Integer> nodes = new ArrayList<>(JsonLines.requiredIntegers(object, "nodes"));
        return new FaultEvent(JsonLines.requiredLong(object, "time"),
            JsonLines.requiredString(object, "fault"),
            JsonLines.requiredLabel(object, "phase", FaultEvent.Phase.class),
            nodes,
            JsonLines.optionalString(object, "detail"),
            JsonLines.requiredBoolean(object, "tolerated"));
    }
}
