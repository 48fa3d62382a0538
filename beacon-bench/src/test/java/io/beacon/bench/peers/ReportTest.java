package io.beacon.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportTest {
    private static final List<String> SYSTEMS = List.of("beacon", "etcd (gRPC)", "sofajraft");

    private static Report sample() {
        Report report = new Report("Beacon and its peers", Report.caption("2 cores", "idle", "2026-01-01"));
        report.table("Writes/s (64-byte values, fsync on)", "clients", SYSTEMS, "writes/s")
                .row("1", 200, 100, 50)
                .row("16", Map.of("beacon", 1234.4, "etcd (gRPC)", 1000))
                .ratio("beacon/etcd", "beacon", "etcd (gRPC)")
                .ratio("beacon/sofajraft", "beacon", "sofajraft")
                .note("sofajraft did not finish at 16 clients");
        report.table("Latency p99 < 10 ms & more", "clients", SYSTEMS, "ms")
                .row("1", 1.234, 12.34, null)
                .row("4", 0.5, 2.0, 3.25);
        report.note("All three run on the same machine.");
        return report;
    }

    @Test
    void markdownHasTheHeaderTheFiguresAndTheRatios() {
        String md = sample().markdown();

        assertThat(md).startsWith("# Beacon and its peers\n")
                .contains("_Machine: 2 cores · Load: idle · Date: 2026-01-01_")
                .contains("## Writes/s (64-byte values, fsync on)")
                .contains("| clients | beacon | etcd (gRPC) | sofajraft | beacon/etcd | beacon/sofajraft |")
                .contains("|---|---:|---:|---:|---:|---:|")
                .contains("| 1 | 200 | 100 | 50 | 2.00 | 4.00 |")
                .contains("| 16 | 1,234 | 1,000 | – | 1.23 | – |")
                .contains("| 1 | 1.23 | 12.3 | – |")
                .contains("| 4 | 0.50 | 2 | 3.25 |")
                .contains("- sofajraft did not finish at 16 clients")
                .contains("![Writes/s (64-byte values, fsync on)](table-1-writes-s-64-byte-values-fsync-on.svg)")
                .contains("## Latency p99 &lt; 10 ms & more")
                .endsWith("## Notes\n\n- All three run on the same machine.\n");
    }

    @Test
    void ratiosAreComputedFromTheFigures() {
        Table table = new Report("t", "").table("t", "clients", List.of("a", "b"), null)
                .row("x", 200, 100)
                .row("y", 5, 0)
                .row("z", null, 3)
                .ratio("a/b", "a", "b");

        assertThat(table.ratio(0, "a/b")).isEqualTo(2.0);
        assertThat(table.ratio(1, "a/b")).isNull();
        assertThat(table.ratio(2, "a/b")).isNull();
        assertThat(table.cells().get(0)).containsExactly("x", "200", "100", "2.00");
        assertThat(table.cells().get(1)).containsExactly("y", "5", "0", "–");
        assertThat(table.cells().get(2)).containsExactly("z", "–", "3", "–");
    }

    @Test
    void fixedDecimalsOverrideTheAutomaticOnes() {
        Table table = new Report("t", "").table("t", "n", List.of("a"), "ms").decimals(1).row("x", 1234.56);

        assertThat(table.cells().get(0)).containsExactly("x", "1,234.6");
    }

    @Test
    void unknownSystemsAreRefused() {
        Table table = new Report("t", "").table("t", "n", List.of("a", "b"), "");

        assertThatThrownBy(() -> table.row("x", Map.of("c", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.row("x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.ratio("a/c", "a", "c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeMakesTheMarkdownAndOneWellFormedChartPerTable(@TempDir Path dir) throws Exception {
        Report report = sample();
        List<Path> written = report.write(dir);

        assertThat(written).containsExactly(dir.resolve("report.md"),
                dir.resolve("table-1-writes-s-64-byte-values-fsync-on.svg"),
                dir.resolve("table-2-latency-p99-10-ms-more.svg"));
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(report.markdown());

        Document first = parse(written.get(1));
        assertThat(first.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(bars(first)).hasSize(3 + 2);
        assertThat(texts(first)).contains("Writes/s (64-byte values, fsync on)", "beacon", "etcd (gRPC)",
                "sofajraft", "1", "16", "writes/s", "clients").doesNotContain("beacon/etcd");

        Document second = parse(written.get(2));
        assertThat(bars(second)).hasSize(2 + 3);
        String raw = Files.readString(written.get(2));
        assertThat(raw).contains("Latency p99 &lt; 10 ms &amp; more").doesNotContain("p99 < 10");
        assertThat(texts(second)).contains("Latency p99 < 10 ms & more");
    }

    @Test
    void barsOfBiggerFiguresAreTaller(@TempDir Path dir) throws Exception {
        Report report = new Report("t", "");
        report.table("t", "n", List.of("a", "b"), "").row("x", 300, 100);
        Document svg = parse(report.write(dir).get(1));

        List<Element> bars = bars(svg);
        double a = Double.parseDouble(bars.get(0).getAttribute("height"));
        double b = Double.parseDouble(bars.get(1).getAttribute("height"));
        assertThat(a / b).isCloseTo(3.0, within(0.05));
    }

    @Test
    void anEmptyTableStillDrawsAValidChart(@TempDir Path dir) throws Exception {
        Report report = new Report("t", "");
        report.table("Nothing yet", "n", List.of("a"), "ms");
        Document svg = parse(report.write(dir).get(1));

        assertThat(bars(svg)).isEmpty();
    }

    @Test
    void slugsAreLowerCaseWordsJoinedByHyphens() {
        assertThat(Report.slug("Writes/s (64-byte values, fsync on)")).isEqualTo("writes-s-64-byte-values-fsync-on");
        assertThat(Report.chartFileName(3, "!!!")).isEqualTo("table-3.svg");
        assertThat(Report.slug("x".repeat(100))).hasSize(60);
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static List<Element> bars(Document svg) {
        List<Element> bars = new ArrayList<>();
        NodeList rects = svg.getElementsByTagNameNS(BarChartSvg.NAMESPACE, "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (rect.getAttribute("class").equals("bar")) {
                bars.add(rect);
            }
        }
        return bars;
    }

    private static List<String> texts(Document svg) {
        List<String> texts = new ArrayList<>();
        NodeList nodes = svg.getElementsByTagNameNS(BarChartSvg.NAMESPACE, "text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }
}
