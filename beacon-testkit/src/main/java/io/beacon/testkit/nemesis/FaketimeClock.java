// Owns: one node's libfaketime timestamp file and the arithmetic that keeps a rate change free of jumps.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A node's fake clock: the {@code FAKETIME_TIMESTAMP_FILE} its JVM re-reads on every clock call
 * ({@code FAKETIME_NO_CACHE=1}), holding {@code "+OFFSET xRATE"}. libfaketime then reports
 * {@code start + RATE * (now - start) + OFFSET}, where {@code start} is when the process started. Checked by hand
 * with a Java 17 JVM: a change of the file shows in {@code System.currentTimeMillis()} at the next call; a rate
 * stays in force until the file names another (a plain {@code "+0"} keeps the last rate), so every write here
 * names both.
 *
 * <p>Because the rate multiplies the whole time since the process started, writing a new rate alone would make
 * the clock jump by {@code (newRate - oldRate) * sinceStart}. {@link #setRate} therefore moves the offset so that
 * the clock carries on from where it was, only faster or slower.
 */
public final class FaketimeClock {
    private final Path file;
    private Instant processStart = Instant.now();
    private double offsetSeconds;
    private double rate = 1;

    FaketimeClock(Path file) throws IOException {
        this.file = file;
        reset();
    }

    public Path file() {
        return file;
    }

    /** Tells the clock when the node's process started (libfaketime's origin for the rate). */
    synchronized void started(Instant start) {
        this.processStart = start;
    }

    /** Steps the clock by seconds (negative: back), at once. */
    public synchronized void step(double seconds) throws IOException {
        offsetSeconds += seconds;
        write();
    }

    /** From now on the clock runs at rate times true speed, carrying on from where it is (no jump). */
    public synchronized void setRate(double newRate) throws IOException {
        if (!(newRate > 0)) {
            throw new IllegalArgumentException("a clock rate must be positive, was " + newRate);
        }
        double sinceStart = Duration.between(processStart, Instant.now()).toNanos() / 1e9;
        offsetSeconds += (rate - newRate) * sinceStart;
        rate = newRate;
        write();
    }

    /** True time again: offset 0, rate 1 (a step back or forward by whatever the clock had gained or lost). */
    public synchronized void reset() throws IOException {
        offsetSeconds = 0;
        rate = 1;
        write();
    }

    /** How far the clock is from true time now, in seconds (positive: ahead). */
    public synchronized double skewSeconds() {
        double sinceStart = Duration.between(processStart, Instant.now()).toNanos() / 1e9;
        return (rate - 1) * sinceStart + offsetSeconds;
    }

    public synchronized double rate() {
        return rate;
    }

    /** What the file holds: libfaketime's relative format, with the rate always named. */
    public synchronized String specification() {
        return String.format(Locale.ROOT, "%+.3f x%.4f", offsetSeconds, rate);
    }

    private void write() throws IOException {
        // Written beside and renamed, so the JVM never reads a half-written file.
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, specification() + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
