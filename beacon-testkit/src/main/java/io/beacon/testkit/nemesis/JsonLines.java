// Owns: files of one JSON object per line (history.jsonl, faults.jsonl): appending to them and reading them back.
// Knows nothing of what the objects mean.
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.lin.HistoryParseException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JSON Lines: one object per line, UTF-8, each line ended by a newline. */
final class JsonLines {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private JsonLines() {
    }

    /** Writes the fields of one object; the caller of {@link Writer#append} has already opened it. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** Turns one parsed line into a value, or throws {@link IllegalArgumentException} naming what is wrong. */
    @FunctionalInterface
    interface LineParser<T> {
        T parse(JsonNode object);
    }

    /**
     * Appends objects to a file, a line each. Thread-safe. Flushes at most every {@link #FLUSH_INTERVAL_NANOS}, so a
     * nemesis that dies loses at most that much of its history, without a system call per operation; and on close.
     */
    static final class Writer implements Closeable {

        static final long FLUSH_INTERVAL_NANOS = 200_000_000L;

        private final BufferedWriter out;
        private long lastFlush = System.nanoTime();
        private boolean closed;

        Writer(Path file) throws IOException {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        synchronized void append(Fields fields) {
            if (closed) {
                throw new IllegalStateException("appending to a closed file");
            }
            try {
                out.write(line(fields));
                out.write('\n');
                long now = System.nanoTime();
                if (now - lastFlush >= FLUSH_INTERVAL_NANOS) {
                    out.flush();
                    lastFlush = now;
                }
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
        }

        synchronized void flush() throws IOException {
            if (!closed) {
                out.flush();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }

    /** One object as a line of text, without the newline. */
    static String line(Fields fields) throws IOException {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        }
        return text.toString();
    }

    /**
     * Reads every object of a file. Blank lines are skipped. A last line without its newline that does not parse is
     * a write torn by a crash and is dropped; any other malformed line is an error naming the file and line.
     */
    static <T> List<T> read(Path file, LineParser<T> parser) throws IOException, HistoryParseException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<T> values = new ArrayList<>(lines.length);
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index];
            if (line.isBlank()) {
                continue;
            }
            boolean torn = index == lines.length - 1; // the text after the last newline
            try {
                JsonNode node = MAPPER.readTree(line);
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                values.add(parser.parse(node));
            } catch (IOException | IllegalArgumentException malformed) {
                if (torn) {
                    break;
                }
                throw new HistoryParseException(file.toString(), index + 1, message(malformed));
            }
        }
        return values;
    }

    private static String message(Exception malformed) {
        String message = malformed.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    /** A field that must be present and an integer. */
    static long requiredLong(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer");
        }
        return value.asLong();
    }

    /** A field that must be present and a string. */
    static String requiredString(JsonNode object, String field) {
        String value = optionalString(object, field);
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return value;
    }

    /** A string field that may be absent or null. */
    static String optionalString(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string or null");
        }
        return value.asText();
    }

    /** A field that must be present and true or false. */
    static boolean requiredBoolean(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    /** A field that must be present and an array of integers. */
    static List<Integer> requiredIntegers(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' must be an array of integers");
        }
        List<Integer> integers = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (!element.isInt()) {
                throw new IllegalArgumentException("field '" + field + "' must be an array of integers");
            }
            integers.add(element.asInt());
        }
        return integers;
    }

    /** The constant of {@code type} whose lower-case name is the field's value. */
    static <E extends Enum<E>> E requiredLabel(JsonNode object, String field, Class<E> type) {
        String label = requiredString(object, field);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(label)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("field '" + field + "' has unknown value '" + label + "'");
    }
}
