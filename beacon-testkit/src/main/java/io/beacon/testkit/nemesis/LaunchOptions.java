// Owns: how each server JVM of a nemesis cluster is launched (heap, fault-injection libraries). No processes.
package io.beacon.testkit.nemesis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the servers' JVMs are launched.
 *
 * @param heap          -Xmx of each server (256m is plenty for a test cluster, and 2 cores run 5 of them)
 * @param secret        the shared cluster secret (at least 16 characters)
 * @param fiu           preload libfiu's POSIX library ({@code fiu-run -x}) so that fsync can be made to fail at
 *                      run time with {@code fiu-ctrl} ({@link FsyncFault})
 * @param faketime      preload libfaketime with a per-node timestamp file, re-read on every call, so that a
 *                      node's clock can be stepped or skewed at run time ({@link ClockFault})
 * @param fakeMonotonic with faketime: fake the monotonic clock too. Off, only the wall clock moves — what NTP
 *                      does to a real machine (steps and drift of CLOCK_REALTIME; CLOCK_MONOTONIC is only ever
 *                      slewed), which is what lease expiry stamps read, while the Raft timers (nanoTime) keep
 *                      true time. On, rate skew also speeds up or slows down every timer of the node (a harsher
 *                      test), and clock faults then never step the clock backwards.
 */
public record LaunchOptions(String heap, String secret, boolean fiu, boolean faketime, boolean fakeMonotonic) {
    /** Debian's libfaketime (package libfaketime, pulled in by faketime). */
    public static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    /** Debian's libfiu preload libraries (package fiu-utils); what {@code fiu-run -x} preloads. */
    public static final List<Path> LIBFIU = List.of(Path.of("/usr/lib/fiu/fiu_run_preload.so"),
            Path.of("/usr/lib/fiu/fiu_posix_preload.so"));
    public static final String DEFAULT_SECRET = "the nemesis cluster's secret";

    public LaunchOptions {
        if (secret.length() < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 characters");
        }
        if (fakeMonotonic && !faketime) {
            throw new IllegalArgumentException("fakeMonotonic needs faketime");
        }
    }

    /** Plain servers: no preloaded libraries. */
    public static LaunchOptions plain() {
        return new LaunchOptions("256m", DEFAULT_SECRET, false, false, false);
    }

    public LaunchOptions withFiu(boolean on) {
        return new LaunchOptions(heap, secret, on, faketime, fakeMonotonic);
    }

    public LaunchOptions withFaketime(boolean on, boolean monotonicToo) {
        return new LaunchOptions(heap, secret, fiu, on, on && monotonicToo);
    }

    /** Whether libfiu's preload libraries and fiu-ctrl are installed. */
    public static boolean fiuAvailable() {
        return LIBFIU.stream().allMatch(Files::isReadable) && Files.isExecutable(FiuControl.FIU_CTRL);
    }

    /** Whether libfaketime is installed. */
    public static boolean faketimeAvailable() {
        return Files.isReadable(LIBFAKETIME);
    }
}
