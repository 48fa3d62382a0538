package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real-process crash test: a child JVM ({@link AppendingChild}) appends as fast as it can and reports each
 * durable index on stdout; it is killed with SIGKILL at a random moment, repeatedly; each reopen must hold every
 * index reported durable, with its exact payload, and the log must be contiguous (nothing after a gap).
 *
 * <p>A SIGKILL keeps the page cache, so what the child wrote but did not yet fsync usually survives too; the test
 * checks the guarantee itself, not how much more survived (which it reports). Reproduce a run with
 * {@code -Dbeacon.processKill.seed=<seed>}; {@code -Dbeacon.processKill.rounds=<n>} changes the number of kills.
 */
class ProcessKillTest {
    private static final int ROUNDS = Integer.getInteger("beacon.processKill.rounds", 8);
    /** The kill comes this long after the child's first durable report ... */
    private static final int MIN_KILL_DELAY_MILLIS = 20;
    private static final int MAX_KILL_DELAY_MILLIS = 500;
    /** ... or as soon as it reports this many more entries durable, which bounds the log (both heaps hold it). */
    private static final int MIN_ENTRIES_PER_ROUND = 500;
    private static final int MAX_ENTRIES_PER_ROUND = 6000;
    private static final long STARTUP_TIMEOUT_MILLIS = 20_000;
    private static final int SIGKILL_EXIT_VALUE = 128 + 9;
    private static final Pattern REPORT = Pattern.compile("(recovered|durable) (\\d+)");

    @TempDir
    Path root;
    /** The storage directory, which the child and this JVM take turns to open. */
    private Path directory;
    /** The child's class path: this JVM's (the module's classes, test classes and dependencies). */
    private String childClassPath;

    private record Round(int number, long recoveredByChild, long reportedDurable, long killDelayMillis,
                         long recoveredLast, int repairs, String repairText) {
        @Override
        public String toString() {
            return String.format("round %d: child recovered %d, reported durable %d, killed %d ms after its first "
                            + "durable report; reopen holds up to %d (%d beyond durable), repairs %d%s",
                    number, recoveredByChild, reportedDurable, killDelayMillis, recoveredLast,
                    recoveredLast - reportedDurable, repairs, repairText.isEmpty() ? "" : " " + repairText);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyIndexReportedDurableSurvivesKillMinus9() throws Exception {
        long seed = Long.getLong("beacon.processKill.seed", System.nanoTime());
        directory = root.resolve("storage");
        childClassPath = System.getProperty("java.class.path");
        Random random = new Random(seed);
        List<Round> rounds = new ArrayList<>();
        long lastRecovered = 0;
        long started = System.nanoTime();
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                int killDelay = MIN_KILL_DELAY_MILLIS + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS + 1);
                int entriesBeforeKill = MIN_ENTRIES_PER_ROUND
                        + random.nextInt(MAX_ENTRIES_PER_ROUND - MIN_ENTRIES_PER_ROUND + 1);
                ChildRun run = runAndKill(random.nextLong(), killDelay, lastRecovered + entriesBeforeKill, seed, round);
                assertThat(run.output.recovered)
                        .as("round %d (seed %d): the child recovers exactly what the last reopen held", round, seed)
                        .isEqualTo(lastRecovered);
                Recovered recovered = reopenAndVerify(run.output.durable, seed, round);
                rounds.add(new Round(round, run.output.recovered, run.output.durable, run.killedAfterMillis,
                        recovered.lastIndex, recovered.repairs.size(), String.join("; ", recovered.repairs)));
                lastRecovered = recovered.lastIndex;
            }
        } finally {
            System.out.println("ProcessKillTest seed " + seed + " (rerun with -Dbeacon.processKill.seed=" + seed + ")");
            rounds.forEach(System.out::println);
        }
        long segments;
        try (Stream<Path> files = Files.list(directory.resolve(RaftStorage.WAL_DIRECTORY))) {
            segments = files.count();
        }
        System.out.printf("ProcessKillTest: %d rounds, %d entries, %d segments, %d ms%n", rounds.size(),
                lastRecovered, segments, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(segments).as("the kills should span several segments").isGreaterThan(1);
    }

    private record ChildRun(ChildOutput output, long killedAfterMillis) {
    }

    /** Starts the child, kills it with SIGKILL once it has reported enough or after delay, and waits for it. */
    private ChildRun runAndKill(long childSeed, int killDelayMillis, long killAtDurable, long seed, int round)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", childClassPath, AppendingChild.class.getName(),
                directory.toString(), Long.toString(childSeed));
        // stdin stays an open pipe: the child halts when it reaches end of file, that is when this JVM is gone.
        Process process = builder.start();
        String context = "round " + round + " (seed " + seed + ", child pid " + process.pid() + ")";
        ChildOutput output = new ChildOutput();
        StringBuilder stderr = new StringBuilder();
        Thread outReader = daemon(() -> output.read(process.getInputStream()), "child-stdout-" + round);
        Thread errReader = daemon(() -> drain(process.getErrorStream(), stderr), "child-stderr-" + round);
        try {
            long firstDurable = output.awaitFirstDurable(STARTUP_TIMEOUT_MILLIS);
            if (firstDurable < 0) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                errReader.join(5_000);
                fail("%s: the child reported no durable index within %d ms (alive %s)%nstdout:%n%s%nstderr:%n%s",
                        context, STARTUP_TIMEOUT_MILLIS, process.isAlive(), output.other(), text(stderr));
            }
            output.awaitDurable(killAtDurable, firstDurable + TimeUnit.MILLISECONDS.toNanos(killDelayMillis));
            long killedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstDurable);
            if (!process.isAlive()) {
                errReader.join(5_000);
                fail("%s: the child exited by itself with %d before the kill%nstdout:%n%s%nstderr:%n%s", context,
                        process.exitValue(), output.other(), text(stderr));
            }
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s: the child dies of the kill", context).isTrue();
            outReader.join(10_000);
            errReader.join(10_000);
            assertThat(outReader.isAlive()).as("%s: the child's stdout reaches end of file", context).isFalse();
            // Proof that destroyForcibly sent SIGKILL (not SIGTERM, which would run shutdown hooks): 128 + 9.
            assertThat(process.exitValue()).as("%s: exit value of the killed child; stderr:%n%s", context,
                    text(stderr)).isEqualTo(SIGKILL_EXIT_VALUE);
            return new ChildRun(output, killedAfter);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private record Recovered(long lastIndex, List<String> repairs) {
    }

    /** Opens the storage in this JVM and checks every entry it holds: contiguous from 1 and exactly as written. */
    private Recovered reopenAndVerify(long reportedDurable, long seed, int round) throws Exception {
        String context = "round " + round + " (seed " + seed + ")";
        try (RaftStorage storage = RaftStorage.open(directory, AppendingChild.OPTIONS, () -> {
            throw new AssertionError(context + ": the reopen asked for a new member id: the hard state is gone");
        })) {
            PersistentState state = storage.recoveredState();
            List<String> repairs = storage.recoveryReport().repairs().stream()
                    .map(repair -> repair.action() + " in " + repair.file().getFileName() + " at " + repair.offset())
                    .toList();
            assertThat(storage.memberId()).as(context).isEqualTo(AppendingChild.MEMBER_ID);
            assertThat(state.hardState()).as(context).isEqualTo(new HardState(AppendingChild.TERM, 0));
            assertThat(state.snapshot()).as(context).isNull();
            List<Entry> entries = state.entries();
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                long index = i + 1;
                if (entry.index() != index) {
                    fail("%s: entry at position %d has index %d, expected %d: the log has a gap; repairs %s", context,
                            i, entry.index(), index, repairs);
                }
                if (entry.term() != AppendingChild.TERM || entry.type() != EntryType.COMMAND
                        || !Arrays.equals(entry.data(), AppendingChild.payload(index))) {
                    fail("%s: entry %d reads back as %s, not as written; repairs %s", context, index, entry, repairs);
                }
            }
            long last = entries.size();
            assertThat(last).as("%s: last recovered index vs the highest index reported durable; repairs %s",
                    context, repairs).isGreaterThanOrEqualTo(reportedDurable);
            return new Recovered(last, repairs);
        }
    }

    /** What the child printed: its recovered index and the highest durable index, other lines kept for messages. */
    private static final class ChildOutput {
        private long recovered = -1;
        private long durable = -1;
        private long firstDurableNanos = -1;
        private boolean ended;
        private final StringBuilder other = new StringBuilder();

        /** Reads whole lines only: a line the kill cut short (no newline) is not a report. */
        void read(InputStream in) {
            StringBuilder line = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        char c = (char) (buffer[i] & 0xff);
                        if (c == '\n') {
                            accept(line.toString());
                            line.setLength(0);
                        } else {
                            line.append(c);
                        }
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    other.append("[reading stdout failed: ").append(e).append("]\n");
                }
            } finally {
                synchronized (this) {
                    if (!line.isEmpty()) {
                        other.append("[cut short: ").append(line).append("]\n");
                    }
                    ended = true;
                    notifyAll();
                }
            }
        }

        private synchronized void accept(String line) {
            Matcher matcher = REPORT.matcher(line);
            if (!matcher.matches()) {
                if (other.length() < 64 << 10) {
                    other.append(line).append('\n');
                }
                return;
            }
            long value = Long.parseLong(matcher.group(2));
            if (matcher.group(1).equals("recovered")) {
                recovered = value;
                return;
            }
            if (firstDurableNanos < 0) {
                firstDurableNanos = System.nanoTime();
            }
            durable = Math.max(durable, value);
            notifyAll();
        }

        /** The time of the first durable report, or -1 if none came within timeout or the output ended. */
        synchronized long awaitFirstDurable(long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (firstDurableNanos < 0 && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return firstDurableNanos;
        }

        /** Waits until index is reported durable, the deadline (System.nanoTime) passes or the output ends. */
        synchronized void awaitDurable(long index, long deadlineNanos) throws InterruptedException {
            while (durable < index && !ended) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized String other() {
            return other.toString();
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void drain(InputStream in, StringBuilder sink) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (sink) {
                    if (sink.length() < 64 << 10) {
                        sink.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            synchronized (sink) {
                sink.append("[reading stderr failed: ").append(e).append("]\n");
            }
        }
    }

    private static String text(StringBuilder sink) {
        synchronized (sink) {
            return sink.toString();
        }
    }
}
