package io.beacon.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    @TempDir
    Path root;

    private record Round(int number, long recoveredByChild, long reportedDurable, long killDelayMillis,
                         AppenderProcess.Recovered reopened) {
        @Override
        public String toString() {
            return String.format("round %d: child recovered %d, reported durable %d, killed %d ms after its first "
                            + "durable report; reopen holds up to %d (%d beyond durable), repairs %s",
                    number, recoveredByChild, reportedDurable, killDelayMillis, reopened.lastIndex(),
                    reopened.lastIndex() - reportedDurable, reopened.repairs());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyIndexReportedDurableSurvivesKillMinus9() throws Exception {
        long seed = Long.getLong("beacon.processKill.seed", System.nanoTime());
        Path directory = root.resolve("storage");
        Random random = new Random(seed);
        List<Round> rounds = new ArrayList<>();
        long lastRecovered = 0;
        long started = System.nanoTime();
        try {
            for (int number = 1; number <= ROUNDS; number++) {
                String context = "round " + number + " (seed " + seed + ")";
                int killDelay = MIN_KILL_DELAY_MILLIS + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS + 1);
                long killAt = lastRecovered + MIN_ENTRIES_PER_ROUND
                        + random.nextInt(MAX_ENTRIES_PER_ROUND - MIN_ENTRIES_PER_ROUND + 1);
                try (AppenderProcess child = AppenderProcess.start(List.of(), directory, random.nextLong(),
                        "kill-" + number)) {
                    long firstDurable = child.awaitFirstDurable(STARTUP_TIMEOUT_MILLIS);
                    child.awaitDurable(killAt, firstDurable + TimeUnit.MILLISECONDS.toNanos(killDelay));
                    long killedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstDurable);
                    assertThat(child.isAlive()).as("%s: the child runs until killed%n%s", context, child.describe())
                            .isTrue();
                    child.kill();
                    // 128 + 9 proves it was SIGKILL, not SIGTERM (which would run shutdown hooks).
                    assertThat(child.awaitExit(10)).as("%s: exit value of the killed child%n%s", context,
                            child.describe()).isEqualTo(SIGKILL_EXIT_VALUE);
                    assertThat(child.recovered()).as("%s: the child recovers exactly what the last reopen held",
                            context).isEqualTo(lastRecovered);
                    AppenderProcess.Recovered reopened =
                            AppenderProcess.reopenAndVerify(directory, child.durable(), context);
                    rounds.add(new Round(number, child.recovered(), child.durable(), killedAfter, reopened));
                    lastRecovered = reopened.lastIndex();
                }
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
}
