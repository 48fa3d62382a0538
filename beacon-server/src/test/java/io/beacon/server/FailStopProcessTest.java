package io.beacon.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fail-stop of a whole server: once fsync fails for real (Debian's libfiu, as in beacon-storage's
 * FsyncFailureProcessTest), the member stops, and the server process exits with {@link BeaconMain#EXIT_MEMBER_FAILED}
 * instead of living on without serving; started again without the fault, it serves every acknowledged write.
 */
class FailStopProcessTest {
    private static final Path FIU_RUN = Path.of("/usr/bin/fiu-run");
    private static final Path FIU_CTRL = Path.of("/usr/bin/fiu-ctrl");

    @TempDir
    Path data;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aServerWhoseFsyncFailsExitsAndKeepsWhatItAcknowledged() throws Exception {
        assumeTrue(Files.isExecutable(FIU_RUN) && Files.isExecutable(FIU_CTRL),
                "needs fiu-utils (apt-get install fiu-utils; .ci/run installs it)");
        int port = ServerTestSupport.freeHttpPort();
        List<String> arguments = List.of("start", "--standalone", "--port", String.valueOf(port), "--data",
                data.toString(), "--config", data.resolve("no-conf").toString());
        try (ServerProcess server = new ServerProcess(arguments).withLauncher(List.of(FIU_RUN.toString(), "-x"))
                .start()) {
            awaitServing(port, server);
            assertThat(ServerTestSupport.call("PUT", port, "/beacon/v1/kv/kept", "before").status()).isEqualTo(200);

            Process control = new ProcessBuilder(FIU_CTRL.toString(), "-c", "enable name=posix/io/sync/*,failinfo=5",
                    Long.toString(server.pid())).redirectErrorStream(true).start();
            assertThat(control.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(control.exitValue()).isZero();
            try {
                int status = ServerTestSupport.call("PUT", port, "/beacon/v1/kv/lost", "after").status();
                assertThat(status).as("a write whose fsync failed is not acknowledged").isNotEqualTo(200);
            } catch (java.io.IOException closed) {
                // the process exited before answering
            }
            assertThat(server.exitValue(30)).as(server.output()).isEqualTo(BeaconMain.EXIT_MEMBER_FAILED);
            assertThat(server.output()).contains("Input/output error").contains("exiting with status 74");
        }
        try (ServerProcess again = new ServerProcess(arguments).start()) {
            awaitServing(port, again);
            ServerTestSupport.Answer kept = ServerTestSupport.call("GET", port, "/beacon/v1/kv/kept", null);
            assertThat(kept.status()).isEqualTo(200);
            assertThat(kept.body()).contains("\"value\":\"before\"");
        }
    }

    private static void awaitServing(int port, ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as(server.output()).isTrue();
            try {
                if (ServerTestSupport.call("GET", port, "/beacon/v1/health", null).status() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not serving within 60 s:\n" + server.output());
    }
}
