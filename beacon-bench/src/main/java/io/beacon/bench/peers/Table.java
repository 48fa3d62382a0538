package io.beacon.bench.peers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One table of a {@link Report}: a column of row labels (e.g. the number of clients), one column of figures per
 * system compared, and any number of ratio columns computed from two of those. A system without a figure for a row
 * shows {@value #BLANK}, and so does a ratio that lacks either figure or would divide by zero.
 *
 * <p>Made by {@link Report#table}; filled with {@link #row}, {@link #ratio} and {@link #note}, each of which returns
 * the table so that calls can be chained.
 */
public final class Table {
    /** What a cell without a figure shows. */
    public static final String BLANK = "–";

    private final String title;
    private final String rowHeader;
    private final List<String> systems;
    private final String unit;
    private final List<String> labels = new ArrayList<>();
    /** Per row, system to figure; a system without a figure is absent. */
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int decimals = -1;

    private record Ratio(String name, String numerator, String denominator) {
    }

    Table(String title, String rowHeader, List<String> systems, String unit) {
        this.title = Objects.requireNonNull(title, "title");
        this.rowHeader = Objects.requireNonNull(rowHeader, "rowHeader");
        this.systems = List.copyOf(systems);
        if (this.systems.isEmpty() || this.systems.stream().distinct().count() != this.systems.size()) {
            throw new IllegalArgumentException("systems must be distinct and at least one: " + systems);
        }
        this.unit = unit == null ? "" : unit;
    }

    /**
     * Adds a row with the figures of the systems named in values; a system not named, or given null or a value that
     * is not finite (NaN), has no figure in this row.
     *
     * @throws IllegalArgumentException if values names a system that is not a column of this table
     */
    public Table row(String label, Map<String, ? extends Number> values) {
        Map<String, Double> row = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Number> value : values.entrySet()) {
            column(value.getKey());
            put(row, value.getKey(), value.getValue());
        }
        return add(label, row);
    }

    /**
     * Adds a row with one figure per system, in the order of the columns; null (or a value that is not finite)
     * for a system without a figure.
     *
     * @throws IllegalArgumentException if there are not as many values as systems
     */
    public Table row(String label, Number... values) {
        if (values.length != systems.size()) {
            throw new IllegalArgumentException(values.length + " values for " + systems.size() + " systems");
        }
        Map<String, Double> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            put(row, systems.get(i), values[i]);
        }
        return add(label, row);
    }

    /**
     * Adds a column named name holding, in each row, the figure of numerator divided by that of denominator.
     *
     * @throws IllegalArgumentException if either is not a system of this table
     */
    public Table ratio(String name, String numerator, String denominator) {
        column(numerator);
        column(denominator);
        ratios.add(new Ratio(Objects.requireNonNull(name, "name"), numerator, denominator));
        return this;
    }

    /** Adds a note printed below the table. */
    public Table note(String text) {
        notes.add(Objects.requireNonNull(text, "text"));
        return this;
    }

    /** Shows every figure with this many decimals, instead of as many as each warrants. */
    public Table decimals(int decimals) {
        if (decimals < 0 || decimals > 6) {
            throw new IllegalArgumentException("decimals: " + decimals);
        }
        this.decimals = decimals;
        return this;
    }

    /** The title, e.g. "Writes/s (64-byte values, fsync on)". */
    public String title() {
        return title;
    }

    /** The header of the label column, e.g. "clients". */
    public String rowHeader() {
        return rowHeader;
    }

    /** The systems compared, in the order of their columns. */
    public List<String> systems() {
        return systems;
    }

    /** The unit of the figures, e.g. "writes/s"; empty if none was given. */
    public String unit() {
        return unit;
    }

    /** The row labels, in order. */
    public List<String> rowLabels() {
        return Collections.unmodifiableList(labels);
    }

    /** The notes, in order. */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /** The figure of system in the row at index, or null if it has none. */
    public Double value(int row, String system) {
        column(system);
        return rows.get(row).get(system);
    }

    /** The ratio named name in the row at index, or null if it cannot be computed. */
    public Double ratio(int row, String name) {
        for (Ratio ratio : ratios) {
            if (ratio.name().equals(name)) {
                return divide(rows.get(row), ratio);
            }
        }
        throw new IllegalArgumentException("no ratio column " + name);
    }

    /** The header cells: the label column, the systems, then the ratios. */
    public List<String> header() {
        List<String> header = new ArrayList<>();
        header.add(rowHeader);
        header.addAll(systems);
        ratios.forEach(ratio -> header.add(ratio.name()));
        return header;
    }

    /** The cells of every row as shown, in the order of {@link #header()}. */
    public List<List<String>> cells() {
        List<List<String>> cells = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Double> row = rows.get(r);
            List<String> line = new ArrayList<>();
            line.add(labels.get(r));
            for (String system : systems) {
                Double value = row.get(system);
                line.add(value == null ? BLANK : Numbers.figure(value, decimals));
            }
            for (Ratio ratio : ratios) {
                Double value = divide(row, ratio);
                line.add(value == null ? BLANK : Numbers.ratio(value));
            }
            cells.add(line);
        }
        return cells;
    }

    private Table add(String label, Map<String, Double> row) {
        labels.add(Objects.requireNonNull(label, "label"));
        rows.add(row);
        return this;
    }

    private static void put(Map<String, Double> row, String system, Number value) {
        if (value != null && Double.isFinite(value.doubleValue())) {
            row.put(system, value.doubleValue());
        }
    }

    private static Double divide(Map<String, Double> row, Ratio ratio) {
        Double numerator = row.get(ratio.numerator());
        Double denominator = row.get(ratio.denominator());
        if (numerator == null || denominator == null || denominator == 0) {
            return null;
        }
        return numerator / denominator;
    }

    private void column(String system) {
        if (!systems.contains(system)) {
            throw new IllegalArgumentException("no system column " + system + " in " + systems);
        }
    }
}
