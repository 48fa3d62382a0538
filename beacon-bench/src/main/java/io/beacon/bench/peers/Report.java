package io.beacon.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The side-by-side report: a title, a caption line saying where and when the figures were taken, any number of
 * {@link Table tables} and closing notes. It renders as Markdown, and {@link #write} also draws one bar chart per
 * table as an SVG file beside the Markdown, linked from it.
 *
 * <pre>{@code
 * Report report = new Report("Beacon and its peers", Report.caption("2 cores, Debian 12", "idle", "2026-01-01"));
 * report.table("Writes/s (64-byte values, fsync on)", "clients", List.of("beacon", "etcd (gRPC)"), "writes/s")
 *         .row("16", 2000, 1000)
 *         .ratio("beacon/etcd", "beacon", "etcd (gRPC)");
 * report.write(Path.of("target/report"));
 * }</pre>
 */
public final class Report {
    /** The name of the Markdown file {@link #write} writes. */
    public static final String MARKDOWN_FILE = "report.md";
    private static final int SLUG_LENGTH = 60;

    private final String title;
    private final String caption;
    private final List<Table> tables = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A report with the given title and caption line (see {@link #caption}). */
    public Report(String title, String caption) {
        this.title = Objects.requireNonNull(title, "title");
        this.caption = caption == null ? "" : caption;
    }

    /** A caption line from its three parts, e.g. "Machine: 2 cores · Load: idle · Date: 2026-01-01". */
    public static String caption(String machine, String load, String date) {
        return "Machine: " + machine + " · Load: " + load + " · Date: " + date;
    }

    /**
     * Adds a table and returns it to be filled.
     *
     * @param title     the heading, e.g. "Writes/s (64-byte values, fsync on)"
     * @param rowHeader the header of the label column, e.g. "clients"
     * @param systems   one column each, in order, e.g. "beacon", "etcd (gRPC)"
     * @param unit      the unit of the figures, shown under the table and on the chart's axis; null or empty for none
     */
    public Table table(String title, String rowHeader, List<String> systems, String unit) {
        Table table = new Table(title, rowHeader, systems, unit);
        tables.add(table);
        return table;
    }

    /** Adds a note to the end of the report. */
    public Report note(String text) {
        notes.add(Objects.requireNonNull(text, "text"));
        return this;
    }

    /** The tables, in order. */
    public List<Table> tables() {
        return Collections.unmodifiableList(tables);
    }

    /** The report in Markdown, as {@link #write} writes it; the charts are linked by their file names. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(inline(title)).append("\n\n");
        if (!caption.isEmpty()) {
            md.append('_').append(inline(caption)).append("_\n\n");
        }
        for (int i = 0; i < tables.size(); i++) {
            appendTable(md, tables.get(i), chartFileName(i + 1, tables.get(i).title()));
        }
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(note -> md.append("- ").append(inline(note)).append('\n'));
        }
        return md.toString().stripTrailing() + "\n";
    }

    /**
     * Writes {@value #MARKDOWN_FILE} and one chart per table, {@code table-<n>-<slug of its title>.svg} with n
     * counted from 1, into dir (made if missing; files of the same names are replaced).
     *
     * @return the files written, the Markdown first
     */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path markdown = dir.resolve(MARKDOWN_FILE);
        Files.writeString(markdown, markdown(), StandardCharsets.UTF_8);
        written.add(markdown);
        for (int i = 0; i < tables.size(); i++) {
            Path chart = dir.resolve(chartFileName(i + 1, tables.get(i).title()));
            Files.writeString(chart, BarChartSvg.render(tables.get(i)), StandardCharsets.UTF_8);
            written.add(chart);
        }
        return written;
    }

    /** The chart file of the n-th table (from 1). */
    static String chartFileName(int n, String title) {
        String slug = slug(title);
        return "table-" + n + (slug.isEmpty() ? "" : "-" + slug) + ".svg";
    }

    /** Lower-case letters and digits of text, every other run of characters made one hyphen, at most 60 long. */
    static String slug(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.length() > SLUG_LENGTH) {
            slug = slug.substring(0, SLUG_LENGTH).replaceAll("-$", "");
        }
        return slug;
    }

    private static void appendTable(StringBuilder md, Table table, String chartFile) {
        md.append("## ").append(inline(table.title())).append("\n\n");
        List<String> header = table.header();
        appendRow(md, header);
        md.append("|---");
        md.append("|---:".repeat(header.size() - 1)).append("|\n");
        table.cells().forEach(row -> appendRow(md, row));
        md.append('\n');
        if (!table.unit().isEmpty()) {
            md.append("Unit: ").append(inline(table.unit())).append(". ");
        }
        md.append(Table.BLANK).append(": no figure.\n\n");
        table.notes().forEach(note -> md.append("- ").append(inline(note)).append('\n'));
        if (!table.notes().isEmpty()) {
            md.append('\n');
        }
        md.append("![").append(inline(table.title()).replace("[", "\\[").replace("]", "\\]")).append("](")
                .append(chartFile).append(")\n\n");
    }

    private static void appendRow(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String cell : cells) {
            md.append(' ').append(inline(cell).replace("|", "\\|")).append(" |");
        }
        md.append('\n');
    }

    /**
     * Text on one line (line breaks become spaces), with angle brackets written as entities so that a renderer
     * does not take them for HTML tags.
     */
    private static String inline(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").replace("<", "&lt;").replace(">", "&gt;");
    }
}
