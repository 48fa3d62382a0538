// Owns: the self-contained HTML timeline of a run (timeline.html): the data it embeds and how strings are escaped.
// The page's layout and drawing code live in the template resource timeline.html next to this class.
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.Markup;
import io.beacon.testkit.lin.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a run as one HTML file with no external resources: the verdict and availability at the top, every key's
 * verdict (failing keys first, each a link that filters and zooms to its operations), and a canvas with one lane per
 * fault kind and one lane per client process, each operation a bar from invocation to completion coloured by its
 * outcome, with fault bands behind. A canvas rather than SVG elements keeps 20,000 operations small (about 50 bytes
 * each) and fast to redraw when zooming.
 *
 * <p>The data is one JSON object in a {@code <script type="application/json" id="data">} element, with {@code <},
 * {@code >}, {@code &} and the JavaScript line separators escaped as {@code \\uXXXX}, so no string from the history can
 * end the element; the page only ever puts strings into the document as text ({@code textContent}, canvas text).
 * Strings outside the data are HTML-escaped. The file is also well-formed XML (the script is in a CDATA section),
 * which lets tests parse it.
 *
 * <p>Data format: {@code s} is a table of distinct strings; {@code ops} is an array of
 * {@code [process, f, key, value, expected, result, invokeMicros, completeMicros, outcome]} where string fields are
 * indexes into {@code s} (-1 = null), times are microseconds since the run started (-1 = never completed) and outcome
 * is 0 ok, 1 fail, 2 info, 3 never completed; {@code keys} is {@code [key, verdict, operations, indeterminate,
 * explanation]}; {@code faults} is {@code [fault, nodes, detail, tolerated, startMicros, endMicros (-1 = never
 * healed), endDetail]}; {@code notes} is {@code [micros, fault, nodes, detail]}; {@code end} is the last time seen.
 */
public final class TimelineHtml {

    public static final String FILE_NAME = "timeline.html";

    private static final String TEMPLATE_RESOURCE = "timeline.html";
    private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z_]+)@@");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TimelineHtml() {
    }

    /** Writes {@code directory/timeline.html}. */
    public static void write(Path directory, List<RecordedOperation> operations, FaultTimeline faults,
                             HistoryVerdict verdict, Availability availability) throws IOException {
        // getBytes replaces an unpaired surrogate, where Files.writeString would throw
        Files.write(directory.resolve(FILE_NAME),
            render(operations, faults, verdict, availability).getBytes(StandardCharsets.UTF_8));
    }

    /** The whole page. */
    public static String render(List<RecordedOperation> operations, FaultTimeline faults, HistoryVerdict verdict,
                                Availability availability) {
        Map<String, String> values = new HashMap<>();
        values.put("TITLE", Markup.escape("Beacon nemesis " + verdict.workload().label() + ": "
                + verdict.verdict()));
        values.put("VERDICT", Markup.escape(verdict.verdict().label()));
        values.put("VERDICT_CLASS", cssClass(verdict.verdict()));
        values.put("SUMMARY", Markup.escape("workload " + verdict.workload().label() + ", " + operations.size()
            + " operations; " + verdict.summary()));
        values.put("AVAILABILITY", Markup.escape(availability.summary().strip()));
        values.put("DATA", data(operations, faults, verdict));
        return fill(template(), values);
    }

    /** Replaces every {@code @@NAME@@} in one pass, so no substituted text is ever scanned for placeholders. */
    private static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder page = new StringBuilder(template.length() + values.get("DATA").length());
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("the timeline template has an unknown placeholder " + matcher.group());
            }
            matcher.appendReplacement(page, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(page);
        return page.toString();
    }

    private static String template() {
        try (InputStream in = TimelineHtml.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TEMPLATE_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    static String cssClass(Verdict verdict) {
        return switch (verdict) {
            case LINEARIZABLE -> "linearizable";
            case NOT_LINEARIZABLE -> "not-linearizable";
            case UNKNOWN -> "unknown";
        };
    }

    /** The embedded JSON, safe inside a script element and inside XML text. */
    static String data(List<RecordedOperation> operations, FaultTimeline faults, HistoryVerdict verdict) {
        StringWriter text = new StringWriter(64 * operations.size() + 1024);
        try (JsonGenerator json = JSON.getFactory().createGenerator(text)) {
            json.setCharacterEscapes(new ScriptSafeEscapes());
            new DataWriter(json).write(operations, faults, verdict);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return text.toString();
    }

    /** Writes the data object; strings of operations go through one table so repeated values cost an index. */
    private static final class DataWriter {

        private final JsonGenerator json;
        private final Map<String, Integer> strings = new HashMap<>();
        private final List<String> table = new java.util.ArrayList<>();

        DataWriter(JsonGenerator json) {
            this.json = json;
        }

        void write(List<RecordedOperation> operations, FaultTimeline faults, HistoryVerdict verdict)
            throws IOException {
            long end = 0;
            int[][] rows = new int[operations.size()][];
            long[][] times = new long[operations.size()][];
            for (int index = 0; index < operations.size(); index++) {
                RecordedOperation operation = operations.get(index);
                rows[index] = new int[] {operation.process(), intern(operation.f()), intern(operation.key()),
                    intern(operation.value()), intern(operation.expected()), intern(operation.result()),
                    operation.outcome().ordinal()};
                long complete = operation.isCompleted() ? micros(operation.completeTime()) : -1;
                times[index] = new long[] {micros(operation.invokeTime()), complete};
                end = Math.max(end, Math.max(times[index][0], complete));
            }
            for (FaultTimeline.Interval interval : faults.intervals()) {
                end = Math.max(end, micros(interval.start()));
                if (interval.isHealed()) {
                    end = Math.max(end, micros(interval.end()));
                }
            }
            for (FaultTimeline.Note note : faults.notes()) {
                end = Math.max(end, micros(note.time()));
            }
            json.writeStartObject();
            json.writeStringField("workload", verdict.workload().label());
            json.writeStringField("verdict", verdict.verdict().label());
            json.writeNumberField("end", end);
            json.writeArrayFieldStart("ops");
            for (int index = 0; index < rows.length; index++) {
                int[] row = rows[index];
                json.writeStartArray();
                for (int field = 0; field < 6; field++) {
                    json.writeNumber(row[field]);
                }
                json.writeNumber(times[index][0]);
                json.writeNumber(times[index][1]);
                json.writeNumber(row[6]);
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("s");
            for (String string : table) {
                json.writeString(string);
            }
            json.writeEndArray();
            writeKeys(verdict);
            writeFaults(faults);
            json.writeEndObject();
        }

        private void writeKeys(HistoryVerdict verdict) throws IOException {
            json.writeArrayFieldStart("keys");
            for (HistoryVerdict.KeyVerdict key : verdict.keys().values()) {
                json.writeStartArray();
                json.writeString(key.key());
                json.writeString(key.verdict().label());
                json.writeNumber(key.operations());
                json.writeNumber(key.indeterminate());
                json.writeString(key.explanation());
                json.writeEndArray();
            }
            json.writeEndArray();
        }

        private void writeFaults(FaultTimeline faults) throws IOException {
            json.writeArrayFieldStart("faults");
            for (FaultTimeline.Interval interval : faults.intervals()) {
                json.writeStartArray();
                json.writeString(interval.fault());
                json.writeString(nodes(interval.nodes()));
                json.writeString(interval.detail());
                json.writeBoolean(interval.tolerated());
                json.writeNumber(micros(interval.start()));
                json.writeNumber(interval.isHealed() ? micros(interval.end()) : -1);
                json.writeString(interval.endDetail());
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("notes");
            for (FaultTimeline.Note note : faults.notes()) {
                json.writeStartArray();
                json.writeNumber(micros(note.time()));
                json.writeString(note.fault());
                json.writeString(nodes(note.nodes()));
                json.writeString(note.detail());
                json.writeEndArray();
            }
            json.writeEndArray();
        }

        private int intern(String string) {
            if (string == null) {
                return -1;
            }
            Integer index = strings.get(string);
            if (index == null) {
                index = table.size();
                strings.put(string, index);
                table.add(string);
            }
            return index;
        }

        private static String nodes(List<Integer> nodes) {
            return nodes.stream().map(node -> "n" + node).reduce((left, right) -> left + "," + right).orElse("");
        }

        private static long micros(long nanos) {
            return Math.floorDiv(nanos, 1000L);
        }
    }

    /**
     * Escapes {@code <}, {@code >} and {@code &} (so a string can neither close the script element nor form markup
     * or an XML entity) and U+2028 / U+2029 (line terminators in older JavaScript) as {@code \\uXXXX}.
     */
    private static final class ScriptSafeEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;

        private final int[] ascii;

        ScriptSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int character) {
            if (character == 0x2028 || character == 0x2029) {
                return new SerializedString(String.format("\\u%04x", character));
            }
            return null;
        }
    }
}
