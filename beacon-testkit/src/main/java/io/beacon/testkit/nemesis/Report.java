// Owns: the end of a nemesis run: from its history and faults to the verdict files, the availability summary and
// the timeline, in one call shared by the live run and by re-checking a saved run.
package io.beacon.testkit.nemesis;

import io.beacon.testkit.lin.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Writes the report of a run into its output directory: {@code verdict.txt} and {@code verdict.json}
 * ({@link VerdictFiles}), {@code availability.txt} ({@link Availability#summary()}) and {@code timeline.html}
 * ({@link TimelineHtml}). The history and fault files themselves are written during the run by {@link HistoryLog} and
 * {@link FaultLog}.
 */
public final class Report {

    public static final String AVAILABILITY_FILE = "availability.txt";

    /**
     * What a run came to.
     *
     * @param verdict      the run's verdict: the last line a nemesis prints, and exit status 0 only if linearizable
     * @param check        the verdict of every key
     * @param availability operations by outcome, overall and within fault tolerance
     */
    public record Result(Verdict verdict, HistoryVerdict check, Availability availability) {
    }

    private Report() {
    }

    /**
     * Checks the history with the workload's model within {@code checkBudget} (wall clock for all keys; null: no
     * limit beyond the per-key step budget) and writes the report files into {@code directory}.
     *
     * @throws IllegalArgumentException if the history is inconsistent (see {@link RecordedOperation#pair}) or has
     *                                  operations the workload does not know
     */
    public static Result write(Path directory, List<HistoryEvent> history, List<FaultEvent> faults,
                               WorkloadKind workload, Duration checkBudget) throws IOException {
        List<RecordedOperation> operations = RecordedOperation.pair(history);
        FaultTimeline timeline = FaultTimeline.of(faults);
        HistoryVerdict check = HistoryCheck.check(workload, operations, checkBudget);
        Availability availability = Availability.of(operations, timeline);
        Files.createDirectories(directory);
        VerdictFiles.write(directory, check);
        Files.write(directory.resolve(AVAILABILITY_FILE), availability.summary().getBytes(StandardCharsets.UTF_8));
        TimelineHtml.write(directory, operations, timeline, check, availability);
        return new Result(check.verdict(), check, availability);
    }
}
