// Owns: one node's libfaketime timestamp file.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * A node's fake wall clock: the {@code FAKETIME_TIMESTAMP_FILE} its JVM re-reads on every clock call
 * ({@code FAKETIME_NO_CACHE=1}), holding {@code "+OFFSET x1"}. Checked by hand with Java 17 and Debian's
 * libfaketime 0.9.10 (with the settings {@link ClusterProcesses} uses): writing {@code +30} or {@code -30} moves
 * {@code System.currentTimeMillis()} at the next call while {@code nanoTime} and {@code Thread.sleep} keep true
 * time; writing {@code +0} again puts it back. The rate is always written as 1: a rate stays in force until
 * another is named, and any other rate hung the JVM's timed waits (see {@link LaunchOptions#faketime()}).
 */
public final class FaketimeClock {
    private final Path file;
    private double offsetSeconds;

    FaketimeClock(Path file) throws IOException {
        this.file = file;
        reset();
    }

    public Path file() {
        return file;
    }

    /** Steps the wall clock by seconds (negative: back), at once; steps add up. */
    public synchronized void step(double seconds) throws IOException {
        offsetSeconds += seconds;
        write();
    }

    /** True time again. */
    public synchronized void reset() throws IOException {
        offsetSeconds = 0;
        write();
    }

    /** How far the wall clock is from true time, in seconds (positive: ahead). */
    public synchronized double skewSeconds() {
        return offsetSeconds;
    }

    /** What the file holds: libfaketime's relative format, with the rate named. */
    public synchronized String specification() {
        return String.format(Locale.ROOT, "%+.3f x1", offsetSeconds);
    }

    private void write() throws IOException {
        // Written beside and renamed, so the JVM never reads a half-written file.
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, specification() + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
