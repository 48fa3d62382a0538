// Owns: writing a checked run's verdict to verdict.txt (for people) and verdict.json (for tools).
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.lin.Verdict;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code verdict.txt}: one line per key, {@code KEY: VERDICT (N operations, M indeterminate)} (control characters in
 * keys escaped), then the checker's explanation of every key that is not linearizable or unknown, then a summary line,
 * and as the last line the run's verdict alone: {@code linearizable}, {@code not-linearizable} or {@code unknown}.
 *
 * <p>{@code verdict.json}: {@code {"workload":"kv","verdict":"...","counts":{"linearizable":N,
 * "not-linearizable":N,"unknown":N},"keys":[{"key":"k1","verdict":"...","operations":N,"indeterminate":N,
 * "explanation":"..."}, ...]}} with keys sorted.
 */
public final class VerdictFiles {

    public static final String TEXT_FILE = "verdict.txt";
    public static final String JSON_FILE = "verdict.json";

    private VerdictFiles() {
    }

    /** Writes both files into {@code directory}. */
    public static void write(Path directory, HistoryVerdict verdict) throws IOException {
        Files.write(directory.resolve(TEXT_FILE), text(verdict).getBytes(StandardCharsets.UTF_8));
        try (Writer out = Files.newBufferedWriter(directory.resolve(JSON_FILE), StandardCharsets.UTF_8);
             JsonGenerator json = new ObjectMapper().getFactory().createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            writeJson(json, verdict);
        }
    }

    static String text(HistoryVerdict verdict) {
        StringBuilder text = new StringBuilder();
        text.append("# workload ").append(verdict.workload().label()).append(": verdict per key\n");
        for (HistoryVerdict.KeyVerdict key : verdict.keys().values()) {
            text.append(printable(key.key())).append(": ").append(key.verdict().label())
                .append(" (").append(key.operations()).append(" operations, ").append(key.indeterminate())
                .append(" indeterminate)\n");
        }
        for (HistoryVerdict.KeyVerdict key : verdict.unsettled()) {
            text.append('\n').append("key ").append(printable(key.key())).append(" is ")
                .append(key.verdict().label()).append(":\n").append(key.explanation());
            if (!key.explanation().endsWith("\n")) {
                text.append('\n');
            }
        }
        text.append('\n').append(verdict.summary()).append('\n');
        text.append(verdict.verdict().label()).append('\n');
        return text.toString();
    }

    private static void writeJson(JsonGenerator json, HistoryVerdict verdict) throws IOException {
        json.writeStartObject();
        json.writeStringField("workload", verdict.workload().label());
        json.writeStringField("verdict", verdict.verdict().label());
        json.writeObjectFieldStart("counts");
        for (Verdict which : Verdict.values()) {
            json.writeNumberField(which.label(), verdict.count(which));
        }
        json.writeEndObject();
        json.writeArrayFieldStart("keys");
        for (HistoryVerdict.KeyVerdict key : verdict.keys().values()) {
            json.writeStartObject();
            json.writeStringField("key", key.key());
            json.writeStringField("verdict", key.verdict().label());
            json.writeNumberField("operations", key.operations());
            json.writeNumberField("indeterminate", key.indeterminate());
            json.writeStringField("explanation", key.explanation());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** The key on one line: backslash, newline, carriage return, tab and other control characters escaped. */
    static String printable(String key) {
        StringBuilder text = new StringBuilder(key.length());
        for (char character : key.toCharArray()) {
            switch (character) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (Character.isISOControl(character)) {
                        text.append(String.format("\\u%04x", (int) character));
                    } else {
                        text.append(character);
                    }
                }
            }
        }
        return text.toString();
    }
}
