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
 *                      node's wall clock can be stepped at run time ({@link ClockFault}). Only the wall clock:
 *                      what NTP does to a real machine (it steps CLOCK_REALTIME, and only slews CLOCK_MONOTONIC),
 *                      and what lease expiry stamps read, while the Raft timers (nanoTime) keep true time. Tried
 *                      here with Debian's libfaketime 0.9.10 and Java 17: faking the monotonic clock too hangs the
 *                      server at start; a rate (x2) hangs every Thread.sleep once set; and unless
 *                      FAKETIME_FORCE_MONOTONIC_FIX=0 the JVM's timed waits spin (an idle server used two cores).
 */
public record LaunchOptions(String heap, String secret, boolean fiu, boolean faketime) {
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
    }

    /** Plain servers: no preloaded libraries. */
    public static LaunchOptions plain() {
        return new LaunchOptions("256m", DEFAULT_SECRET, false, false);
    }

    public LaunchOptions withFiu(boolean on) {
        return new LaunchOptions(heap, secret, on, faketime);
    }

    public LaunchOptions withFaketime(boolean on) {
        return new LaunchOptions(heap, secret, fiu, on);
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
