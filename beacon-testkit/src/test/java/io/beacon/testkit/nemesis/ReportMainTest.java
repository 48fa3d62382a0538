// Owns: tests of re-checking a saved run: files written, the last line, exit status, and refusing broken runs.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {

    private record Run(int status, List<String> out, String err) {
        String lastLine() {
            return out.get(out.size() - 1);
        }
    }

    @TempDir
    Path directory;

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ReportMain.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString().lines().toList(), err.toString());
    }

    /** A kv run on keys x and y in which, if {@code stale}, a read of x misses an acknowledged write. */
    private void saveKvRun(boolean stale) throws Exception {
        AtomicLong clock = new AtomicLong();
        try (HistoryLog history = HistoryLog.create(directory, clock::get);
             FaultLog faults = FaultLog.create(directory)) {
            history.invoke(0, "write", "x", "1", null);
            clock.set(10);
            history.ok(0, "1");
            faults.accept(new FaultEvent(15, "kill", FaultEvent.Phase.START, List.of(2), "kill -9 n2", true));
            clock.set(20);
            history.invoke(1, "read", "x", null, null);
            clock.set(30);
            history.ok(1, stale ? null : "1");
            history.invoke(0, "write", "y", "5", null);
            clock.set(40);
            history.info(0);
            faults.accept(new FaultEvent(50, "kill", FaultEvent.Phase.END, List.of(2), "restarted", true));
        }
    }

    @Test
    void aLinearizableRunExitsZeroWithItsVerdictLastAndWritesTheReport() throws Exception {
        saveKvRun(false);

        Run run = run(directory.toString());

        assertThat(run.status()).isZero();
        assertThat(run.lastLine()).isEqualTo("linearizable");
        assertThat(run.out()).anySatisfy(line -> assertThat(line).startsWith("availability within fault tolerance"));
        assertThat(directory.resolve(TimelineHtml.FILE_NAME)).isRegularFile();
        assertThat(directory.resolve(VerdictFiles.JSON_FILE)).isRegularFile();
        assertThat(directory.resolve(Report.AVAILABILITY_FILE)).isRegularFile();
        List<String> verdict = Files.readAllLines(directory.resolve(VerdictFiles.TEXT_FILE), StandardCharsets.UTF_8);
        assertThat(verdict).contains("x: linearizable (2 operations, 0 indeterminate)",
            "y: linearizable (1 operations, 1 indeterminate)");
        assertThat(verdict.get(verdict.size() - 1)).isEqualTo("linearizable");
    }

    @Test
    void aStaleReadMakesTheRunNotLinearizableWithExitStatusOne() throws Exception {
        saveKvRun(true);

        Run run = run("--workload", "kv", directory.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.lastLine()).isEqualTo("not-linearizable");
        assertThat(run.out()).contains("key x: not-linearizable");
        String verdictText = Files.readString(directory.resolve(VerdictFiles.TEXT_FILE));
        assertThat(verdictText).contains("key x is not-linearizable:", "longest linearizable prefix")
            .endsWith("\nnot-linearizable\n");
        String verdictJson = Files.readString(directory.resolve(VerdictFiles.JSON_FILE));
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(verdictJson).get("verdict").asText())
            .isEqualTo("not-linearizable");
    }

    @Test
    void aRunWithoutHistoryOrWithAnInconsistentOneIsAUsageError() throws Exception {
        Run missing = run(directory.toString());
        assertThat(missing.status()).isEqualTo(64);
        assertThat(missing.err()).contains("no history.jsonl");

        saveKvRun(false);
        Run wrongWorkload = run("--workload", "registry", directory.toString());
        assertThat(wrongWorkload.status()).isEqualTo(64);
        assertThat(wrongWorkload.err()).contains("registry workload has no operation 'write'");

        Files.writeString(directory.resolve(HistoryLog.FILE_NAME),
            "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":null,\"expected\":null,"
                + "\"time\":1}\n");
        Run orphan = run(directory.toString());
        assertThat(orphan.status()).isEqualTo(64);
        assertThat(orphan.err()).contains("never invoked");
    }
}
