package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An {@link AppendingChild} running in its own JVM, started by a test (optionally under a launcher such as
 * {@code fiu-run}), with what it printed: the index it recovered and the highest it reported durable. Closing it
 * kills the child if it still runs; the test kills only this process, by its handle.
 */
final class AppenderProcess implements AutoCloseable {
    private static final Pattern REPORT = Pattern.compile("(recovered|durable) (\\d+)");

    private final Process process;
    private final Output output = new Output();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private AppenderProcess(Process process, String name) {
        this.process = process;
        this.outReader = daemon(() -> output.read(process.getInputStream()), name + "-stdout");
        this.errReader = daemon(() -> drain(process.getErrorStream(), stderr), name + "-stderr");
    }

    /** Starts the child on directory with this JVM's class path, behind the launcher words given (may be none). */
    static AppenderProcess start(List<String> launcher, Path directory, long seed, String name) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                AppendingChild.class.getName(), directory.toString(), Long.toString(seed)));
        // stdin stays an open pipe: the child halts when it reaches end of file, that is when this JVM is gone.
        return new AppenderProcess(new ProcessBuilder(command).start(), name);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The index the child recovered, or -1 if it has not said yet. */
    long recovered() {
        return output.recovered();
    }

    /** The highest index the child reported durable, or -1. */
    long durable() {
        return output.durable();
    }

    /** The System.nanoTime of the first durable report; fails the test if none comes within the timeout. */
    long awaitFirstDurable(long timeoutMillis) throws InterruptedException {
        long first = output.awaitFirstDurable(timeoutMillis);
        if (first < 0) {
            process.destroyForcibly();
            fail("the child (pid %d) reported no durable index within %d ms%n%s", process.pid(), timeoutMillis,
                    describe());
        }
        return first;
    }

    /** Waits until index is reported durable, the deadline (System.nanoTime) passes or the output ends. */
    void awaitDurable(long index, long deadlineNanos) throws InterruptedException {
        output.awaitDurable(index, deadlineNanos);
    }

    /** SIGKILL: on Linux destroyForcibly sends it, and the exit value then is 128 + 9. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the child to exit and for its output to end; returns its exit value. */
    int awaitExit(long timeoutSeconds) throws InterruptedException {
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
                .as("the child (pid %d) exits within %d s%n%s", process.pid(), timeoutSeconds, describe()).isTrue();
        outReader.join(10_000);
        errReader.join(10_000);
        assertThat(outReader.isAlive()).as("the child's stdout reaches end of file").isFalse();
        return process.exitValue();
    }

    /** What the child printed besides its reports, and its stderr, for a failing test's message. */
    String describe() {
        return "stdout:\n" + output.other() + "stderr:\n" + stderr();
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What a reopen found: the last index and the repairs recovery made. */
    record Recovered(long lastIndex, List<String> repairs) {
    }

    /**
     * Opens the child's storage in this JVM and checks every entry it holds: contiguous from 1, exactly as written,
     * and at least up to the highest index the child reported durable.
     */
    static Recovered reopenAndVerify(Path directory, long reportedDurable, String context) throws Exception {
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
    private static final class Output {
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

        synchronized long recovered() {
            return recovered;
        }

        synchronized long durable() {
            return durable;
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

}
