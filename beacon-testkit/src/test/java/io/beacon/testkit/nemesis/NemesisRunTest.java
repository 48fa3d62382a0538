package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nemesis end to end, as CI runs it: one 60-second run with every fault type per workload, in a network
 * namespace of its own ({@code unshare --net}, as {@code bin/beacon-nemesis} starts it), against three real server
 * JVMs. The run must say {@code linearizable} and exit 0, have injected faults of several types, have completed
 * operations under them, and read every key through every node at the end. Needs root and the fault tools
 * (iptables, libfaketime, libfiu: {@code .ci/run} installs them); skipped where they are missing.
 */
class NemesisRunTest {
    private static final int SECONDS = 60;

    @BeforeAll
    static void requireTools() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for unshare and iptables");
        for (String tool : List.of("unshare", "iptables", "ip")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed");
        }
        Assumptions.assumeTrue(LaunchOptions.fiuAvailable(), "libfiu (fiu-utils) is not installed");
        Assumptions.assumeTrue(LaunchOptions.faketimeAvailable(), "libfaketime (faketime) is not installed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kv", "registry"})
    void aRunWithEveryFaultIsLinearizable(String workload, @TempDir Path out) throws Exception {
        List<String> command = new ArrayList<>(List.of("unshare", "--net", "--", "env",
                Firewall.OUTER_NAMESPACE_VARIABLE + "=" + Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                "sh", "-c", "ip link set lo up && exec \"$@\"", "nemesis-test",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), NemesisMain.class.getName(),
                "--nodes", "3", "--time", String.valueOf(SECONDS), "--faults", "all", "--workload", workload,
                "--seed", "7", "--out", out.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolve("nemesis.out").toFile()).start();
        boolean ended = process.waitFor(SECONDS + 600, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(out.resolve("nemesis.out"), StandardCharsets.UTF_8);
        assertThat(ended).as("the run ended in time:\n%s", output).isTrue();
        List<String> lines = output.lines().toList();
        assertThat(lines.get(lines.size() - 1)).as(output).isEqualTo("linearizable");
        assertThat(process.exitValue()).as(output).isZero();

        List<FaultEvent> faults = FaultLog.read(out.resolve(FaultLog.FILE_NAME));
        long types = faults.stream().filter(e -> e.phase() == FaultEvent.Phase.START).map(FaultEvent::fault)
                .distinct().count();
        assertThat(types).as("fault types started: %s", faults).isGreaterThanOrEqualTo(3);
        List<HistoryEvent> history = HistoryLog.read(out.resolve(HistoryLog.FILE_NAME));
        long ok = history.stream().filter(e -> e.type() == HistoryEvent.Type.OK).count();
        assertThat(ok).as("operations that succeeded").isGreaterThan(200);
        assertThat(output).containsPattern("final reads: (\\d+) of \\1 succeeded");
        assertThat(out.resolve("timeline.html")).exists();
        for (int node = 0; node < 3; node++) {
            assertThat(out.resolve("nodes").resolve("n" + node + ".log")).exists();
        }
    }

    private static boolean onPath(String tool) throws IOException, InterruptedException {
        Process which = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
        return which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0;
    }
}
