// Owns: the beacon-nemesis-report command line: re-checks a saved nemesis run directory and rewrites its report.
package io.beacon.testkit.nemesis;

import io.beacon.testkit.lin.CheckHistoryMain;
import io.beacon.testkit.lin.HistoryParseException;
import io.beacon.testkit.lin.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code beacon-nemesis-report [--workload kv|registry] [--budget-seconds S] DIR}
 *
 * <p>Reads {@code DIR/history.jsonl} and {@code DIR/faults.jsonl} (absent: no faults), checks the history again and
 * rewrites {@code verdict.txt}, {@code verdict.json}, {@code availability.txt} and {@code timeline.html} in DIR.
 * Prints the failing keys, the availability, and as its last line exactly one of {@code linearizable},
 * {@code not-linearizable}, {@code unknown}. Exit status as {@code beacon-check-history}: 0 linearizable, 1 not
 * linearizable, 2 unknown, 64 bad usage or an unreadable or inconsistent run, 70 an internal error.
 */
@Command(name = "beacon-nemesis-report",
    description = "Re-checks a saved nemesis run: verdict per key, availability, HTML timeline.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:linearizable",
        "1:not linearizable",
        "2:unknown (the check ran out of budget)",
        "64:bad usage, or an unreadable or inconsistent run directory",
        "70:internal error"})
public final class ReportMain implements Callable<Integer> {

    public static final long DEFAULT_BUDGET_SECONDS = 300;
    public static final int EXIT_INTERNAL_ERROR = 70;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--workload", paramLabel = "KIND",
        description = "kv or registry (default: judged from the history's operations).")
    private String workload;

    @Option(names = "--budget-seconds", paramLabel = "S", defaultValue = "" + DEFAULT_BUDGET_SECONDS,
        description = "Wall-clock budget of the check for all keys (default: ${DEFAULT-VALUE}).")
    private double budgetSeconds;

    @Parameters(index = "0", paramLabel = "DIR", description = "The run's output directory.")
    private Path directory;

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs the tool and returns its exit status; used by {@link #main} and by tests. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        ReportMain command = new ReportMain();
        command.out = out;
        command.err = err;
        CommandLine commandLine = new CommandLine(command)
            .setOut(out)
            .setErr(err)
            .setParameterExceptionHandler((exception, arguments) -> {
                err.println("beacon-nemesis-report: " + exception.getMessage());
                exception.getCommandLine().usage(err);
                return CheckHistoryMain.EXIT_USAGE;
            })
            .setExecutionExceptionHandler((exception, commandLineOfException, parseResult) -> {
                // never 1 or 2: those mean a verdict
                err.println("beacon-nemesis-report: internal error: " + exception);
                exception.printStackTrace(err);
                return EXIT_INTERNAL_ERROR;
            });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        if (!(budgetSeconds > 0)) {
            return usageError("--budget-seconds must be positive, got " + budgetSeconds);
        }
        Path historyFile = directory.resolve(HistoryLog.FILE_NAME);
        Path faultsFile = directory.resolve(FaultLog.FILE_NAME);
        if (!Files.isRegularFile(historyFile)) {
            return usageError("no " + HistoryLog.FILE_NAME + " in " + directory);
        }
        List<HistoryEvent> history;
        List<FaultEvent> faults;
        try {
            history = HistoryLog.read(historyFile);
            faults = Files.isRegularFile(faultsFile) ? FaultLog.read(faultsFile) : List.of();
        } catch (HistoryParseException malformed) {
            return usageError("malformed run file: " + malformed.getMessage());
        } catch (IOException unreadable) {
            return usageError("cannot read the run: " + unreadable);
        }
        Report.Result result;
        try {
            WorkloadKind kind = workload == null ? WorkloadKind.inferFrom(history) : WorkloadKind.fromLabel(workload);
            Duration budget = Duration.ofNanos((long) Math.min(budgetSeconds * 1e9, Long.MAX_VALUE));
            result = Report.write(directory, history, faults, kind, budget);
        } catch (IllegalArgumentException inconsistent) {
            return usageError(inconsistent.getMessage());
        } catch (IOException unwritable) {
            return usageError("cannot write the report: " + unwritable);
        }
        for (HistoryVerdict.KeyVerdict key : result.check().unsettled()) {
            out.println("key " + VerdictFiles.printable(key.key()) + ": " + key.verdict().label());
        }
        out.println(result.check().summary());
        out.print(result.availability().summary());
        out.println("report: " + directory.resolve(VerdictFiles.TEXT_FILE) + ", "
            + directory.resolve(TimelineHtml.FILE_NAME));
        out.println(result.verdict().label());
        return exitStatus(result.verdict());
    }

    /** 0 linearizable, 1 not linearizable, 2 unknown: the nemesis uses the same statuses. */
    public static int exitStatus(Verdict verdict) {
        return switch (verdict) {
            case LINEARIZABLE -> CheckHistoryMain.EXIT_LINEARIZABLE;
            case NOT_LINEARIZABLE -> CheckHistoryMain.EXIT_NOT_LINEARIZABLE;
            case UNKNOWN -> CheckHistoryMain.EXIT_UNKNOWN;
        };
    }

    private int usageError(String message) {
        err.println("beacon-nemesis-report: " + message);
        return CheckHistoryMain.EXIT_USAGE;
    }
}
