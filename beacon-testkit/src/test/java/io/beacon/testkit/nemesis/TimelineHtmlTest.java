// Owns: tests of timeline.html: the verdict shown, strings escaped, the page well-formed with every operation in it.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.nemesis.FaultEvent.Phase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TimelineHtmlTest {

    private static final String EVIL_KEY = "<script>alert('key')</script>";
    private static final String EVIL_VALUE = "</script><img src=x onerror=alert(1)> & \u2028 ]]>";

    private static String render(TestHistory history, List<FaultEvent> faults, WorkloadKind workload) {
        List<RecordedOperation> operations = history.operations();
        FaultTimeline timeline = FaultTimeline.of(faults);
        HistoryVerdict verdict = HistoryCheck.check(workload, operations, Duration.ofSeconds(30));
        return TimelineHtml.render(operations, timeline, verdict, Availability.of(operations, timeline));
    }

    private static TestHistory brokenHistory() {
        return new TestHistory()
            .op(0, "write", EVIL_KEY, EVIL_VALUE, null, 1_000_000, 2_000_000, EVIL_VALUE)
            .op(1, "read", EVIL_KEY, null, null, 3_000_000, 4_000_000, "stale")
            .op(1, "write", "fine", "1", null, 5_000_000, 6_000_000, "1")
            .invoke(7_000_000, 2, "write", "fine", "2").info(8_000_000, 2)
            .invoke(9_000_000, 0, "read", "fine", null);
    }

    private static final List<FaultEvent> FAULTS = List.of(
        new FaultEvent(500_000, "partition", Phase.START, List.of(0), "isolate <b>n0</b> & \"friends\"", true),
        new FaultEvent(2_500_000, "partition", Phase.END, List.of(0), "healed", true),
        new FaultEvent(3_000_000, "disk", Phase.NOTE, List.of(1), "refused: <wal>", false),
        new FaultEvent(6_500_000, "kill", Phase.START, List.of(1, 2), "kill -9 n1 n2", false));

    private static Document parseXml(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element byId(Document document, String tag, String id) {
        NodeList elements = document.getElementsByTagName(tag);
        for (int index = 0; index < elements.getLength(); index++) {
            Element element = (Element) elements.item(index);
            if (id.equals(element.getAttribute("id"))) {
                return element;
            }
        }
        throw new AssertionError("no <" + tag + " id=" + id + ">");
    }

    private static JsonNode data(Document document) throws Exception {
        return new ObjectMapper().readTree(byId(document, "script", "data").getTextContent());
    }

    @Test
    void showsTheVerdictAndEmbedsEveryOperationKeyAndFault() throws Exception {
        String html = render(brokenHistory(), FAULTS, WorkloadKind.KV);

        Document document = parseXml(html);
        JsonNode data = data(document);

        assertThat(byId(document, "span", "verdict").getTextContent()).isEqualTo("not-linearizable");
        assertThat(byId(document, "span", "verdict").getAttribute("class")).contains("not-linearizable");
        assertThat(document.getElementsByTagName("title").item(0).getTextContent()).contains("not-linearizable");
        assertThat(byId(document, "pre", "availability").getTextContent()).contains("availability within fault");
        assertThat(data.get("ops")).hasSize(5);
        assertThat(data.get("keys")).hasSize(2);
        assertThat(data.get("faults")).hasSize(2);
        assertThat(data.get("notes")).hasSize(1);
        assertThat(data.get("end").asLong()).isEqualTo(9_000);
        JsonNode pending = data.get("ops").get(4);
        assertThat(pending.get(7).asLong()).isEqualTo(-1);
        assertThat(pending.get(8).asInt()).isEqualTo(RecordedOperation.Outcome.PENDING.ordinal());
        JsonNode failingKey = data.get("keys").get(0);
        assertThat(failingKey.get(0).asText()).isEqualTo(EVIL_KEY);
        assertThat(failingKey.get(1).asText()).isEqualTo("not-linearizable");
        assertThat(failingKey.get(4).asText()).contains("longest linearizable prefix");
    }

    @Test
    void historyStringsCannotInjectMarkupOrEndTheDataElement() throws Exception {
        String html = render(brokenHistory(), FAULTS, WorkloadKind.KV);

        Document document = parseXml(html);
        JsonNode data = data(document);
        List<String> strings = new ArrayList<>();
        data.get("s").forEach(node -> strings.add(node.asText()));

        assertThat(html).doesNotContain("<script>alert", "<img", "<b>n0", "<wal>", "\u2028");
        assertThat(document.getElementsByTagName("script").getLength()).isEqualTo(2);
        assertThat(document.getElementsByTagName("img").getLength()).isZero();
        assertThat(strings).contains(EVIL_KEY, EVIL_VALUE);
        assertThat(data.get("faults").get(0).get(2).asText()).isEqualTo("isolate <b>n0</b> & \"friends\"");
    }

    @Test
    void registryHistoriesRenderToo() throws Exception {
        TestHistory history = new TestHistory()
            .op(0, "register", "s1", "a", null, 0, 10, "a")
            .op(1, "list", "s1", null, null, 20, 30, "a");

        Document document = parseXml(render(history, List.of(), WorkloadKind.REGISTRY));

        assertThat(byId(document, "span", "verdict").getTextContent()).isEqualTo("linearizable");
        assertThat(data(document).get("ops")).hasSize(2);
        assertThat(data(document).get("workload").asText()).isEqualTo("registry");
    }

    @Test
    void twentyThousandOperationsMakeAPageOfAFewMegabytesAtMost() throws Exception {
        TestHistory history = new TestHistory();
        for (int index = 0; index < 20_000; index++) {
            int process = index % 20;
            long start = index * 1_000_000L;
            String key = "k" + (index / 150);
            if (index % 3 == 0) {
                history.op(process, "write", key, Integer.toString(index), null, start, start + 900_000,
                    Integer.toString(index));
            } else {
                history.invoke(start, process, "read", key, null, null).info(start + 900_000, process);
            }
        }

        String html = render(history, FAULTS, WorkloadKind.KV);

        assertThat(data(parseXml(html)).get("ops")).hasSize(20_000);
        assertThat(html.length()).isLessThan(2_000_000);
    }
}
