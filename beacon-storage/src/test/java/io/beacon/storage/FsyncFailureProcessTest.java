package io.beacon.storage;

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
 * fsync failing for real, in a real process: the {@link AppendingChild} runs under Debian's {@code fiu-run}
 * (package fiu-utils, which {@code .ci/run} installs), and once it has made some writes durable the test makes
 * every {@code fsync}/{@code fdatasync} of that process fail with EIO through {@code fiu-ctrl}. The storage must
 * stop (the child reports the {@link StorageFailedException} and exits with its failure code) rather than carry on
 * as though the data were durable, and a reopen without the fault must hold every index reported durable.
 */
class FsyncFailureProcessTest {
    private static final Path FIU_RUN = Path.of("/usr/bin/fiu-run");
    private static final Path FIU_CTRL = Path.of("/usr/bin/fiu-ctrl");

    @TempDir
    Path root;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anFsyncFailingWithEioStopsTheStorageAndLosesNothingReportedDurable() throws Exception {
        assumeTrue(Files.isExecutable(FIU_RUN) && Files.isExecutable(FIU_CTRL),
                "needs fiu-utils (apt-get install fiu-utils; .ci/run installs it)");
        Path directory = root.resolve("storage");
        try (AppenderProcess child = AppenderProcess.start(List.of(FIU_RUN.toString(), "-x"), directory, 1,
                "fiu")) {
            child.awaitFirstDurable(20_000);
            child.awaitDurable(2_000, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            Process control = new ProcessBuilder(FIU_CTRL.toString(), "-c", "enable name=posix/io/sync/*,failinfo=5",
                    Long.toString(child.pid())).redirectErrorStream(true).start();
            String controlOutput = new String(control.getInputStream().readAllBytes());
            assertThat(control.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(control.exitValue()).as("fiu-ctrl: %s", controlOutput).isZero();

            int exit = child.awaitExit(30);
            assertThat(exit).as("the child stops on the failed fsync%n%s", child.describe())
                    .isEqualTo(AppendingChild.EXIT_STORAGE_FAILED);
            assertThat(child.stderr()).contains(StorageFailedException.class.getName())
                    .contains("Input/output error");
            long durable = child.durable();
            AppenderProcess.Recovered reopened = AppenderProcess.reopenAndVerify(directory, durable, "after EIO");
            System.out.printf("FsyncFailureProcessTest: %d reported durable before the fsync failure, reopen holds "
                    + "%d, repairs %s%n", durable, reopened.lastIndex(), reopened.repairs());
        }
    }
}
