// Owns: tests of history.jsonl and faults.jsonl: what a line holds, round trips, torn and malformed lines.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.lin.HistoryParseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {

    @TempDir
    Path directory;

    @Test
    void historyRoundTripsThroughItsFile() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<HistoryEvent> recorded;
        try (HistoryLog log = HistoryLog.create(directory, clock::get)) {
            clock.set(100);
            log.invoke(3, "cas", "k\"1\n</script>", "v\u00e9 \u2028", null);
            clock.set(250);
            log.ok(3, "ignored for a cas but kept");
            log.invoke(4, "read", "k2", null, null);
            clock.set(400);
            log.info(4);
            log.invoke(4, "write", "k2", "7", null);
            clock.set(Long.MAX_VALUE - 1);
            log.fail(4);
            log.invoke(5, "read", "k2", null, null); // never completed
            recorded = log.events();
        }

        List<HistoryEvent> read = HistoryLog.read(directory.resolve(HistoryLog.FILE_NAME));

        assertThat(read).isEqualTo(recorded).hasSize(7);
        assertThat(read.get(1)).isEqualTo(new HistoryEvent(3, HistoryEvent.Type.OK, "cas", "k\"1\n</script>",
            "ignored for a cas but kept", null, 250));
        assertThat(read.get(5).value()).isEqualTo("7"); // a fail completion repeats the invocation's value
    }

    @Test
    void eachHistoryLineIsOneObjectWithEveryFieldAndALowerCaseType() throws Exception {
        try (HistoryLog log = HistoryLog.create(directory, () -> 42)) {
            log.invoke(1, "read", "x", null, null);
            log.ok(1, "5");
        }

        List<String> lines = Files.readAllLines(directory.resolve(HistoryLog.FILE_NAME), StandardCharsets.UTF_8);

        assertThat(lines).containsExactly(
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"value\":null,\"expected\":null,"
                + "\"time\":42}",
            "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":\"5\",\"expected\":null,"
                + "\"time\":42}");
    }

    @Test
    void faultsRoundTripThroughTheirFile() throws Exception {
        List<FaultEvent> events = List.of(
            new FaultEvent(10, "partition", FaultEvent.Phase.START, List.of(0, 2), "isolate n0 | n1 n2", true),
            new FaultEvent(20, "disk", FaultEvent.Phase.NOTE, List.of(1), "refused to start: wal 3 offset 88", false),
            new FaultEvent(30, "partition", FaultEvent.Phase.END, List.of(0, 2), null, true));
        try (FaultLog log = FaultLog.create(directory)) {
            events.forEach(log);
            assertThat(log.events()).isEqualTo(events);
        }

        List<FaultEvent> read = FaultLog.read(directory.resolve(FaultLog.FILE_NAME));
        JsonNode first = new ObjectMapper().readTree(
            Files.readAllLines(directory.resolve(FaultLog.FILE_NAME), StandardCharsets.UTF_8).get(0));

        assertThat(read).isEqualTo(events);
        assertThat(first.get("phase").asText()).isEqualTo("start");
        assertThat(first.get("nodes").toString()).isEqualTo("[0,2]");
    }

    @Test
    void aTornLastLineIsDroppedButAMalformedLineElsewhereIsAnError() throws Exception {
        Path file = directory.resolve(HistoryLog.FILE_NAME);
        String good = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"value\":null,"
            + "\"expected\":null,\"time\":1}\n";
        Files.writeString(file, good + "{\"process\":1,\"type\":\"o");

        assertThat(HistoryLog.read(file)).hasSize(1);

        Files.writeString(file, good + "{\"process\":1,\"type\":\"done\",\"f\":\"read\",\"key\":\"x\",\"time\":2}\n"
            + good);
        assertThatThrownBy(() -> HistoryLog.read(file)).isInstanceOf(HistoryParseException.class)
            .hasMessageContaining(":2:").hasMessageContaining("'type'");

        Files.writeString(file, "{\"process\":1,\"type\":\"ok\",\"key\":\"x\",\"time\":2}\n");
        assertThatThrownBy(() -> HistoryLog.read(file)).isInstanceOf(HistoryParseException.class)
            .hasMessageContaining(":1:").hasMessageContaining("'f'");
    }

    @Test
    void concurrentClientsGetAFileInTimeOrderWithEveryOperationPaired() throws Exception {
        long start = System.nanoTime();
        int clients = 8;
        int operationsEach = 500;
        try (HistoryLog log = HistoryLog.create(directory, () -> System.nanoTime() - start)) {
            Thread[] threads = new Thread[clients];
            for (int client = 0; client < clients; client++) {
                int process = client;
                threads[client] = new Thread(() -> {
                    for (int index = 0; index < operationsEach; index++) {
                        log.invoke(process, "write", "k" + (index % 7), process + "-" + index, null);
                        log.ok(process, process + "-" + index);
                    }
                });
                threads[client].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        List<HistoryEvent> read = HistoryLog.read(directory.resolve(HistoryLog.FILE_NAME));
        List<RecordedOperation> operations = RecordedOperation.pair(read);

        assertThat(read).hasSize(2 * clients * operationsEach);
        assertThat(read).extracting(HistoryEvent::time).isSorted();
        assertThat(operations).hasSize(clients * operationsEach)
            .allSatisfy(operation -> assertThat(operation.outcome()).isEqualTo(RecordedOperation.Outcome.OK));
    }

    @Test
    void eventsAreWrittenWhenTheLogIsClosedEvenIfNeverFlushed() throws Exception {
        HistoryLog log = HistoryLog.create(directory, () -> 1);
        for (int process = 0; process < 1000; process++) {
            log.invoke(process, "read", "x", null, null);
        }
        log.close();

        assertThat(HistoryLog.read(directory.resolve(HistoryLog.FILE_NAME))).hasSize(1000);
    }
}
