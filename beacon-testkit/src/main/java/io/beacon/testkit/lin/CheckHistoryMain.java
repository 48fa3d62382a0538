// Owns: the beacon-check-history command line: options, file loading, one verdict line per file, exit status.
package io.beacon.testkit.lin;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code beacon-check-history --format jepsen-etcd|porcupine-kv [--budget N] [--timeout-seconds S] FILE...}
 *
 * <p>Prints {@code FILE linearizable|not-linearizable|unknown} per file. Exit status: 0 all linearizable, 1 some not
 * linearizable, 2 none failed but some unknown, 64 bad usage or an unreadable or malformed file (nothing is checked).
 */
@Command(name = "beacon-check-history",
    description = "Checks recorded histories for linearizability (Wing-Gong-Lowe search, per-key partitions).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every file is linearizable",
        "1:some file is not linearizable",
        "2:no file is not linearizable, but some are unknown (budget or timeout exhausted)",
        "64:bad usage, or an unreadable or malformed file"})
public final class CheckHistoryMain implements Callable<Integer> {

    public static final int EXIT_LINEARIZABLE = 0;
    public static final int EXIT_NOT_LINEARIZABLE = 1;
    public static final int EXIT_UNKNOWN = 2;
    public static final int EXIT_USAGE = 64;
    public static final long DEFAULT_BUDGET = 10_000_000L;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
        description = "History format: jepsen-etcd or porcupine-kv.")
    private HistoryFormat format;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "" + DEFAULT_BUDGET,
        description = "Search steps allowed per partition (default: ${DEFAULT-VALUE}).")
    private long budget;

    @Option(names = "--timeout-seconds", paramLabel = "S",
        description = "Wall-clock limit per file; unfinished files are unknown.")
    private Double timeoutSeconds;

    @Option(names = "--explain", description = "Print details of files that are not linearizable to stderr.")
    private boolean explain;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files.")
    private List<String> files;

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs the tool and returns its exit status; used by {@link #main} and by tests. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CheckHistoryMain command = new CheckHistoryMain();
        command.out = out;
        command.err = err;
        CommandLine commandLine = new CommandLine(command)
            .setOut(out)
            .setErr(err)
            .setParameterExceptionHandler((exception, arguments) -> {
                err.println("beacon-check-history: " + exception.getMessage());
                exception.getCommandLine().usage(err);
                return EXIT_USAGE;
            })
            .setExecutionExceptionHandler((exception, commandLineOfException, parseResult) -> {
                err.println("beacon-check-history: internal error: " + exception);
                exception.printStackTrace(err);
                return 70;
            });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        if (budget <= 0) {
            return usageError("--budget must be positive, got " + budget);
        }
        if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
            return usageError("--timeout-seconds must be positive, got " + timeoutSeconds);
        }
        List<HistoryFormat.ParsedHistory> histories = new ArrayList<>();
        boolean loadFailed = false;
        for (String file : files) {
            try {
                histories.add(format.parse(file, readLines(file)));
            } catch (HistoryParseException malformed) {
                err.println("beacon-check-history: malformed " + format.label() + " file: " + malformed.getMessage());
                loadFailed = true;
            } catch (IOException | UncheckedIOException | InvalidPathException unreadable) {
                err.println("beacon-check-history: cannot read " + file + ": " + reason(unreadable));
                loadFailed = true;
            }
        }
        if (loadFailed) {
            return EXIT_USAGE;
        }
        Duration timeout = timeoutSeconds == null ? null : Duration.ofNanos((long) (timeoutSeconds * 1e9));
        Verdict overall = Verdict.LINEARIZABLE;
        for (int index = 0; index < files.size(); index++) {
            CheckResult result = histories.get(index).check(budget, timeout);
            out.println(files.get(index) + " " + result.verdict().label());
            out.flush();
            if (explain && result.verdict() != Verdict.LINEARIZABLE) {
                err.print(files.get(index) + ": " + result.explanation());
                err.flush();
            }
            overall = overall.combine(result.verdict());
        }
        return switch (overall) {
            case LINEARIZABLE -> EXIT_LINEARIZABLE;
            case NOT_LINEARIZABLE -> EXIT_NOT_LINEARIZABLE;
            case UNKNOWN -> EXIT_UNKNOWN;
        };
    }

    private static List<String> readLines(String file) throws IOException {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new IOException("is a directory");
        }
        return Files.readAllLines(path, StandardCharsets.UTF_8);
    }

    private static String reason(Exception unreadable) {
        if (unreadable instanceof NoSuchFileException) {
            return "no such file";
        }
        if (unreadable instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (unreadable instanceof CharacterCodingException
            || unreadable.getCause() instanceof CharacterCodingException) {
            return "not valid UTF-8 text";
        }
        return unreadable.getMessage();
    }

    private int usageError(String message) {
        err.println("beacon-check-history: " + message);
        return EXIT_USAGE;
    }

    /** Converts a --format label. */
    static final class FormatConverter implements CommandLine.ITypeConverter<HistoryFormat> {
        @Override
        public HistoryFormat convert(String value) {
            try {
                return HistoryFormat.fromLabel(value);
            } catch (IllegalArgumentException unknown) {
                throw new CommandLine.TypeConversionException(unknown.getMessage());
            }
        }
    }
}
