package io.beacon.bench.peers;

import io.beacon.testkit.Markup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link Table} as a grouped bar chart in a self-contained SVG 1.1 document: one group of bars per row,
 * one bar per system (ratio columns are left out), a value axis from zero with round ticks and grid lines, the
 * row labels under the groups, a legend and the title. Every bar is a {@code rect} of class {@code bar} with a
 * tooltip ({@code title}) giving its figure; a system without a figure in a row has no bar there. Text widths are
 * estimated from the number of characters, as no font metrics are at hand.
 */
final class BarChartSvg {
    static final String NAMESPACE = "http://www.w3.org/2000/svg";
    /** Colours that stay apart for colour-blind readers; used in turn for the systems. */
    private static final List<String> COLOURS = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000");
    private static final double CHAR_WIDTH = 7;
    private static final double PLOT_TOP = 44;
    private static final double PLOT_HEIGHT = 260;
    private static final double RIGHT = 20;
    private static final double MIN_WIDTH = 560;
    private static final double LEGEND_LINE = 18;
    private static final double MAX_BAR_WIDTH = 48;

    private final Table table;
    private final StringBuilder svg = new StringBuilder(4096);

    private BarChartSvg(Table table) {
        this.table = table;
    }

    /** The SVG document of the table's chart. */
    static String render(Table table) {
        return new BarChartSvg(table).draw();
    }

    private String draw() {
        List<String> systems = table.systems();
        List<String> labels = table.rowLabels();
        AxisScale scale = scale();
        List<String> tickLabels = new ArrayList<>();
        scale.ticks().forEach(tick -> tickLabels.add(Numbers.tick(tick, scale.step())));
        double left = 28 + longest(tickLabels) * CHAR_WIDTH + 8;
        double minGroupWidth = Math.max(systems.size() * 18 + 24, longest(labels) * CHAR_WIDTH + 12);
        double width = Math.max(MIN_WIDTH, left + labels.size() * minGroupWidth + RIGHT);
        width = Math.max(width, table.title().length() * 8.5 + 2 * RIGHT);
        double plotWidth = width - left - RIGHT;
        double plotBottom = PLOT_TOP + PLOT_HEIGHT;
        List<double[]> legend = legendPositions(width, plotBottom + 52);
        double height = legend.isEmpty() ? plotBottom + 52
                : legend.get(legend.size() - 1)[1] + LEGEND_LINE / 2 + 10;

        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append("<svg xmlns=\"").append(NAMESPACE).append("\" version=\"1.1\" width=\"").append(n(width))
                .append("\" height=\"").append(n(height)).append("\" viewBox=\"0 0 ").append(n(width)).append(' ')
                .append(n(height)).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<title>").append(Markup.escape(table.title())).append("</title>\n");
        svg.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(n(width)).append("\" height=\"")
                .append(n(height)).append("\" fill=\"#ffffff\"/>\n");
        text(width / 2, 24, "middle", "font-size=\"15\" font-weight=\"bold\"", table.title());

        drawAxis(scale, tickLabels, left, plotWidth);
        drawBars(scale, left, groupWidth(plotWidth), plotBottom);
        if (!table.unit().isEmpty()) {
            double middle = PLOT_TOP + PLOT_HEIGHT / 2;
            svg.append("<text x=\"14\" y=\"").append(n(middle))
                    .append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ").append(n(middle))
                    .append(")\">").append(Markup.escape(table.unit())).append("</text>\n");
        }
        text(left + plotWidth / 2, plotBottom + 36, "middle", "font-style=\"italic\"", table.rowHeader());
        drawLegend(legend);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private AxisScale scale() {
        double min = 0;
        double max = 0;
        for (int r = 0; r < table.rowLabels().size(); r++) {
            for (String system : table.systems()) {
                Double value = table.value(r, system);
                if (value != null) {
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
            }
        }
        return AxisScale.covering(min, max);
    }

    private double groupWidth(double plotWidth) {
        return plotWidth / Math.max(1, table.rowLabels().size());
    }

    private void drawAxis(AxisScale scale, List<String> tickLabels, double left, double plotWidth) {
        List<Double> ticks = scale.ticks();
        for (int i = 0; i < ticks.size(); i++) {
            double y = y(scale, ticks.get(i));
            line(left, y, left + plotWidth, y, ticks.get(i) == 0 ? "#000000" : "#dddddd");
            line(left - 4, y, left, y, "#000000");
            text(left - 6, y + 4, "end", null, tickLabels.get(i));
        }
        line(left, PLOT_TOP, left, PLOT_TOP + PLOT_HEIGHT, "#000000");
    }

    private void drawBars(AxisScale scale, double left, double groupWidth, double plotBottom) {
        List<String> systems = table.systems();
        double barWidth = Math.min(groupWidth * 0.8 / systems.size(), MAX_BAR_WIDTH);
        double clusterOffset = (groupWidth - barWidth * systems.size()) / 2;
        double zero = y(scale, 0);
        for (int r = 0; r < table.rowLabels().size(); r++) {
            double groupLeft = left + r * groupWidth;
            String label = table.rowLabels().get(r);
            for (int s = 0; s < systems.size(); s++) {
                Double value = table.value(r, systems.get(s));
                if (value == null) {
                    continue;
                }
                double top = Math.min(zero, y(scale, value));
                double x = groupLeft + clusterOffset + s * barWidth;
                svg.append("<rect class=\"bar\" x=\"").append(n(x)).append("\" y=\"").append(n(top))
                        .append("\" width=\"").append(n(barWidth * 0.92)).append("\" height=\"")
                        .append(n(Math.abs(y(scale, value) - zero))).append("\" fill=\"").append(colour(s))
                        .append("\"><title>")
                        .append(Markup.escape(systems.get(s) + ", " + table.rowHeader() + " " + label + ": "
                                + Numbers.figure(value, -1) + (table.unit().isEmpty() ? "" : " " + table.unit())))
                        .append("</title></rect>\n");
            }
            text(groupLeft + groupWidth / 2, plotBottom + 16, "middle", null, label);
        }
    }

    /** The centre-left point of each legend item, wrapped onto new lines as the width requires. */
    private List<double[]> legendPositions(double width, double top) {
        List<double[]> positions = new ArrayList<>();
        double x = RIGHT;
        double y = top;
        for (String system : table.systems()) {
            double itemWidth = 18 + system.length() * CHAR_WIDTH + 16;
            if (x > RIGHT && x + itemWidth > width - RIGHT) {
                x = RIGHT;
                y += LEGEND_LINE;
            }
            positions.add(new double[] {x, y});
            x += itemWidth;
        }
        return positions;
    }

    private void drawLegend(List<double[]> positions) {
        for (int s = 0; s < positions.size(); s++) {
            double x = positions.get(s)[0];
            double y = positions.get(s)[1];
            svg.append("<rect class=\"swatch\" x=\"").append(n(x)).append("\" y=\"").append(n(y - 6))
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(colour(s)).append("\"/>\n");
            text(x + 18, y + 4, "start", null, table.systems().get(s));
        }
    }

    private double y(AxisScale scale, double value) {
        return PLOT_TOP + PLOT_HEIGHT * (1 - scale.fraction(value));
    }

    private void line(double x1, double y1, double x2, double y2, String colour) {
        svg.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(colour).append("\"/>\n");
    }

    private void text(double x, double y, String anchor, String attributes, String content) {
        svg.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"")
                .append(anchor).append('"');
        if (attributes != null) {
            svg.append(' ').append(attributes);
        }
        svg.append('>').append(Markup.escape(content)).append("</text>\n");
    }

    private static String colour(int index) {
        return COLOURS.get(index % COLOURS.size());
    }

    private static int longest(List<String> texts) {
        return texts.stream().mapToInt(String::length).max().orElse(0);
    }

    private static String n(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
