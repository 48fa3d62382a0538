// Owns: switching libfiu failure points on and off in a running process with fiu-ctrl.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code fiu-ctrl} against a process started with libfiu preloaded (see {@link LaunchOptions#fiu()}): enables or
 * disables failure points by name through the control FIFOs the process opened at start
 * ({@value #FIFO_PREFIX}{@code -PID.in/out}).
 */
public final class FiuControl {
    public static final Path FIU_CTRL = Path.of("/usr/bin/fiu-ctrl");
    /** Base name of the control FIFOs; the same as fiu-run's default. */
    public static final String FIFO_PREFIX = "/tmp/fiu-ctrl";
    /** Every fsync, fdatasync and sync_file_range: {@code FileChannel.force} ends in one of them. */
    public static final String SYNC_POINTS = "posix/io/sync/*";
    /** errno 5, EIO: what a failing disk answers (without failinfo the errno is random). */
    public static final int EIO = 5;

    private FiuControl() {
    }

    /** Makes every call at the failure points fail with errno in process pid. */
    public static void enable(long pid, String points, int errno) throws IOException, InterruptedException {
        run(pid, "enable name=" + points + ",failinfo=" + errno);
    }

    public static void disable(long pid, String points) throws IOException, InterruptedException {
        run(pid, "disable name=" + points);
    }

    private static void run(long pid, String command) throws IOException, InterruptedException {
        Process control = new ProcessBuilder(FIU_CTRL.toString(), "-f", FIFO_PREFIX, "-c", command,
                Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(control.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!control.waitFor(10, TimeUnit.SECONDS)) {
            control.destroyForcibly();
            throw new IOException("fiu-ctrl -c '" + command + "' " + pid + " did not finish within 10 s");
        }
        if (control.exitValue() != 0) {
            throw new IOException("fiu-ctrl -c '" + command + "' " + pid + " failed with exit status "
                    + control.exitValue() + (output.isEmpty() ? "" : ": " + output)
                    + " (was the process started with libfiu preloaded?)");
        }
    }
}
