package io.beacon.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The harness of {@code bin/beacon-bench} on a tiny run: every system started, loaded, failed over once, the idle
 * cost and the report written, and the three ratio lines printed with real numbers. Not a measurement: the run is
 * far too short for its figures to mean anything.
 */
class CompareMainTest {
    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";

    @Test
    void aTinyRunMeasuresEverySystemAndEndsWithTheRatios(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("etcd"), "etcd is not installed (.ci/run installs etcd-server)");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path report = dir.resolve("report");
        Path data = dir.resolve("data");
        // What a killed run leaves behind: where a server's data directory goes, something in the way.
        Files.createDirectories(data.resolve("beacon"));
        Files.writeString(data.resolve("beacon").resolve("server-0"), "left by a run that was killed");
        int status = new CommandLine(new CompareMain(new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .execute("--systems", "beacon,etcd,etcd-http,sofajraft", "--clients", "2", "--seconds", "1",
                        "--warmup", "1", "--no-reads", "--trials", "1", "--services", "20", "--idle-seconds", "2",
                        "--memory", "0", "--out", report.toString(), "--data", data.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, output);

        assertPositive(output, "ratio writes/s beacon/etcd = " + NUMBER);
        assertPositive(output, "ratio writes/s beacon/sofajraft = " + NUMBER);
        Matcher failover = Pattern.compile("failover p99 ms beacon = " + NUMBER + " etcd = " + NUMBER
                + " sofajraft = " + NUMBER).matcher(output);
        assertTrue(failover.find(), output);
        for (int group = 1; group <= 3; group++) {
            assertTrue(Double.parseDouble(failover.group(group)) > 0, failover.group());
        }
        String[] lines = output.strip().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("failover p99 ms"), "the last line: " + lines[lines.length - 1]);

        String markdown = Files.readString(report.resolve("report.md"));
        for (String system : new String[] {"beacon", "etcd (gRPC)", "etcd (HTTP gateway)", "sofajraft"}) {
            assertTrue(markdown.contains(system), system + " missing from\n" + markdown);
        }
        assertTrue(markdown.contains("Nacos 1.1.4"), markdown);
        assertTrue(markdown.contains("Server JVMs: 256m heaps, parallel collector"), "the JVMs both peers ran in:\n"
                + markdown);
        assertTrue(output.contains("sofajraft warm-up, 1 s of writes at 2 clients (not measured)"), output);
        // Every system's servers spent some CPU per write, read from their processes.
        for (String system : new String[] {"beacon", "etcd \\(gRPC\\)", "sofajraft"}) {
            assertPositive(output, system + " writes, +2 clients: .* server CPU " + NUMBER + " µs/write");
        }
        try (Stream<Path> files = Files.list(report)) {
            assertTrue(files.anyMatch(file -> file.toString().endsWith(".svg")), "no chart in " + report);
        }
        assertFalse(Files.exists(data), "the clusters' data was not deleted");
    }

    private static void assertPositive(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertTrue(m.find(), regex + " not in\n" + output);
        assertTrue(Double.parseDouble(m.group(1)) > 0, m.group());
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }
}
