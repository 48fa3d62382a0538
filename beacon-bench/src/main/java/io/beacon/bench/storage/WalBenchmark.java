package io.beacon.bench.storage;

import io.beacon.bench.Dirs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.beacon.storage.StorageOptions;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bin/beacon-bench-storage}: what beacon-storage's write-ahead log sustains on this machine's disk, next to
 * what the disk itself does in the same run. For each record size, an {@link AppendRun} (single-entry writes, each
 * durable through the storage's group commit) and then a {@link RawFsyncRun} that writes, per fsync, as many bytes
 * as the WAL's average group did; a raw run of 1 MiB writes first and last, as a reference; then a
 * {@link RecoveryRun}: the time to open a 1 GiB log. Ends with a summary against the targets: at least 200,000
 * records/s at 64 B, at least 80% of the raw rate at 16 KiB, at most 2 s to open a 1 GiB log.
 *
 * <p>Everything runs in a fresh directory under {@code --dir} (the script gives beacon-bench/target), deleted at
 * the end, on failure, on the timeout and on Ctrl-C. One run per size: a shared machine's noise shows as it is.
 * Exits 0 when it ran (targets met or not: the summary says), 1 if a run failed, 2 on bad options, 3 on timeout.
 */
@Command(name = "beacon-bench-storage", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks beacon-storage's write-ahead log (appends with group commit, recovery) against "
                + "the raw fsync-write rate of the same disk.")
public final class WalBenchmark implements Callable<Integer> {
    private static final PrintStream OUT = System.out;
    private static final int TARGET_RECORDS_PER_SECOND_AT_64 = 200_000;
    private static final double TARGET_RAW_SHARE_AT_16K = 0.80;
    private static final double TARGET_OPEN_SECONDS = 2.0;

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "5",
            description = "Measured seconds of each WAL run and each raw run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Seconds run before each measured part (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--sizes", split = ",", defaultValue = "64,1024,16384", paramLabel = "BYTES",
            description = "Payload sizes of the records, one WAL run each (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--window", defaultValue = "4096", paramLabel = "WRITES",
            description = "At most this many writes submitted and not yet durable (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--window-bytes", defaultValue = "64m", converter = ByteSize.class, paramLabel = "BYTES",
            description = "... and at most this many payload bytes (k, m, g: binary; default ${DEFAULT-VALUE}).")
    long windowBytes;

    @Option(names = "--reference-bytes", defaultValue = "1m", converter = ByteSize.class, paramLabel = "BYTES",
            description = "Bytes per fsync of the raw reference runs, first and last (default ${DEFAULT-VALUE}).")
    long referenceBytes;

    @Option(names = "--recovery-bytes", defaultValue = "1g", converter = ByteSize.class, paramLabel = "BYTES",
            description = "Size of the log whose opening is timed (default ${DEFAULT-VALUE}).")
    long recoveryBytes;

    @Option(names = "--recovery-runs", defaultValue = "3",
            description = "Times the log is opened with the page cache warm (default ${DEFAULT-VALUE}).")
    int recoveryRuns;

    @Option(names = "--skip-recovery", description = "Do not build the log and time its opening.")
    boolean skipRecovery;

    @Option(names = "--skip-cold", description = "Do not time one more open with the log dropped from the page "
            + "cache first.")
    boolean skipCold;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the benchmark's directory is made (default: "
            + "the system property beacon.bench.dir, else java.io.tmpdir). Put it on the disk to measure: not tmpfs.")
    Path dir;

    @Option(names = "--timeout", defaultValue = "900", paramLabel = "SECONDS",
            description = "Stop (exit 3, cleaning up) if the whole benchmark takes longer (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WalBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        warnOnly();
        Path base = dir != null ? dir
                : Path.of(System.getProperty("beacon.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        Path work = Files.createTempDirectory(base.toAbsolutePath(), "wal-bench-");
        Thread cleanup = new Thread(() -> Dirs.delete(work), "wal-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Thread watchdog = watchdog();
        try {
            return run(work);
        } finally {
            watchdog.interrupt();
            boolean deleted = Dirs.delete(work);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook deletes.
            }
            if (!deleted) {
                System.err.println("beacon-bench-storage: could not delete " + work + " entirely");
            }
        }
    }

    private void validate() {
        if (!(seconds > 0) || !(warmup >= 0) || !(timeoutSeconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--seconds and --timeout must be positive, --warmup "
                    + "not negative");
        }
        if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 0
                || size > StorageOptions.DEFAULTS.maxEntryBytes())) {
            throw new ParameterException(spec.commandLine(), "--sizes must be between 0 and "
                    + StorageOptions.DEFAULTS.maxEntryBytes() + " bytes (the largest entry)");
        }
        if (window < 1 || windowBytes < 1 || recoveryRuns < 1 || recoveryBytes < 1 || referenceBytes < 1
                || referenceBytes > Integer.MAX_VALUE - 8) {
            throw new ParameterException(spec.commandLine(), "--window, --window-bytes, --recovery-runs, "
                    + "--recovery-bytes and --reference-bytes must be positive (the last below 2 GiB)");
        }
    }

    private int run(Path work) throws Exception {
        long warmupNanos = (long) (warmup * 1e9);
        long measureNanos = (long) (seconds * 1e9);
        printContext(work);

        OUT.println();
        OUT.printf(Locale.ROOT, "== raw reference: %s written + force(false), in a loop ==%n",
                bytes(referenceBytes));
        RawFsyncRun.Result referenceBefore = RawFsyncRun.run(work, (int) referenceBytes, warmupNanos,
                measureNanos);
        printRaw(referenceBefore);

        List<Row> rows = new ArrayList<>();
        for (int size : sizes) {
            int inFlight = (int) Math.max(1, Math.min(window, windowBytes / Math.max(1, size)));
            OUT.println();
            OUT.printf(Locale.ROOT, "== %s records: WAL, single-entry writes, at most %,d not yet durable ==%n",
                    sizeLabel(size), inFlight);
            Path walDirectory = work.resolve("wal-" + size);
            System.gc();
            AppendRun.Result wal;
            try {
                wal = AppendRun.run(walDirectory, size, inFlight, warmupNanos, measureNanos);
            } finally {
                Dirs.delete(walDirectory);
            }
            printWal(wal);
            int rawBytes = (int) Math.max(1, Math.round(wal.diskBytesPerGroup()));
            RawFsyncRun.Result raw = RawFsyncRun.run(work, rawBytes, warmupNanos, measureNanos);
            printRaw(raw);
            OUT.printf(Locale.ROOT, "  WAL / raw: %.2f on disk, %.2f payload; WAL on disk / raw reference (%s per "
                            + "fsync) %.2f%n",
                    wal.diskMegabytesPerSecond() / raw.megabytesPerSecond(),
                    wal.payloadMegabytesPerSecond() / raw.megabytesPerSecond(), bytes(referenceBytes),
                    wal.diskMegabytesPerSecond() / referenceBefore.megabytesPerSecond());
            rows.add(new Row(wal, raw));
        }

        OUT.println();
        OUT.printf(Locale.ROOT, "== raw reference again: %s written + force(false), in a loop ==%n",
                bytes(referenceBytes));
        RawFsyncRun.Result referenceAfter = RawFsyncRun.run(work, (int) referenceBytes, warmupNanos, measureNanos);
        printRaw(referenceAfter);

        RecoveryRun.Result recovery = null;
        if (!skipRecovery) {
            OUT.println();
            OUT.printf(Locale.ROOT, "== recovery: open a log of %s of %d B records ==%n", bytes(recoveryBytes),
                    RecoveryRun.RECORD_PAYLOAD_BYTES);
            Path recoveryDirectory = work.resolve("recovery");
            try {
                recovery = RecoveryRun.run(recoveryDirectory, recoveryBytes, recoveryRuns, !skipCold, OUT);
            } finally {
                Dirs.delete(recoveryDirectory);
            }
        }
        printSummary(rows, referenceBefore, referenceAfter, recovery);
        return 0;
    }

    private record Row(AppendRun.Result wal, RawFsyncRun.Result raw) {
        double diskShare() {
            return wal.diskMegabytesPerSecond() / raw.megabytesPerSecond();
        }

        double payloadShare() {
            return wal.payloadMegabytesPerSecond() / raw.megabytesPerSecond();
        }

        /** The target for this size and whether it was met, or null if the issue sets none. */
        String target() {
            if (wal.payloadBytes() == 64) {
                return String.format(Locale.ROOT, ">= %,d records/s: %s", TARGET_RECORDS_PER_SECOND_AT_64,
                        wal.recordsPerSecond() >= TARGET_RECORDS_PER_SECOND_AT_64 ? "met" : "MISSED");
            }
            if (wal.payloadBytes() == 16384) {
                return String.format(Locale.ROOT, ">= %.2f of raw (payload/raw): %s", TARGET_RAW_SHARE_AT_16K,
                        payloadShare() >= TARGET_RAW_SHARE_AT_16K ? "met" : "MISSED");
            }
            return "-";
        }
    }

    private void printContext(Path work) throws IOException {
        OUT.println("beacon-bench-storage: beacon-storage's WAL against the raw fsync rate of the same disk");
        OUT.printf(Locale.ROOT, "machine    nproc %d, load average %s, %s %s %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"));
        OUT.printf(Locale.ROOT, "jvm        %s %s, max heap %s, %s%n", System.getProperty("java.vm.name"),
                Runtime.version(), bytes(Runtime.getRuntime().maxMemory()),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(", ")));
        FileStore store = Files.getFileStore(work);
        OUT.printf(Locale.ROOT, "bench dir  %s on %s (%s), %s free%n", work, store.name(), store.type(),
                bytes(store.getUsableSpace()));
        if (store.type().equals("tmpfs") || store.type().equals("ramfs")) {
            OUT.println("WARNING    " + store.type() + " keeps files in memory: fsync does nothing there; give "
                    + "--dir on a real disk");
        }
        StorageOptions options = StorageOptions.DEFAULTS;
        OUT.printf(Locale.ROOT, "storage    StorageOptions.DEFAULTS: %s segments, %s write buffer%n",
                bytes(options.segmentBytes()), bytes(options.writeBufferBytes()));
        OUT.printf(Locale.ROOT, "runs       %.1f s warm-up + %.1f s measured each; sizes %s; MB = 10^6 bytes%n",
                warmup, seconds, sizes.stream().map(WalBenchmark::sizeLabel).collect(Collectors.joining(", ")));
    }

    private static void printWal(AppendRun.Result wal) {
        Histogram latency = wal.latencyNanos();
        OUT.printf(Locale.ROOT, "  WAL: %,.0f records/s, %.1f MB/s payload, %.1f MB/s on disk (%.1f B per record)%n",
                wal.recordsPerSecond(), wal.payloadMegabytesPerSecond(), wal.diskMegabytesPerSecond(),
                wal.diskBytesPerRecord());
        OUT.printf(Locale.ROOT, "       %,.0f group commits (fsyncs)/s, %.1f records = %s per group on average%n",
                wal.groupsPerSecond(), wal.recordsPerGroup(), bytes(Math.round(wal.diskBytesPerGroup())));
        OUT.printf(Locale.ROOT, "       write -> durable: p50 %s, p99 %s, max %s (closed loop: mostly the wait "
                        + "behind the window)%n", millis(latency.getValueAtPercentile(50)),
                millis(latency.getValueAtPercentile(99)), millis(latency.getMaxValue()));
        Cpu cpu = wal.cpu();
        OUT.printf(Locale.ROOT, "       cpu: storage thread %.0f%%, producer %.0f%% of a core; %d collections, "
                        + "%d ms; %d segment(s)%n", cpu.storageShare() * 100, cpu.producerShare() * 100,
                cpu.collections(), cpu.collectionMillis(), wal.segments());
    }

    private static void printRaw(RawFsyncRun.Result raw) {
        Histogram fsync = raw.fsyncNanos();
        OUT.printf(Locale.ROOT, "  raw: %s written + force per loop: %,.0f fsyncs/s, %.1f MB/s; write+force p50 %s, "
                        + "p99 %s%n", bytes(raw.bytes()), raw.fsyncsPerSecond(), raw.megabytesPerSecond(),
                millis(fsync.getValueAtPercentile(50)), millis(fsync.getValueAtPercentile(99)));
    }

    private void printSummary(List<Row> rows, RawFsyncRun.Result referenceBefore, RawFsyncRun.Result referenceAfter,
                              RecoveryRun.Result recovery) {
        OUT.println();
        OUT.printf(Locale.ROOT, "== summary (one run each; load average now %s) ==%n", loadAverage());
        OUT.printf(Locale.ROOT, "%-7s %12s %13s %10s %9s %9s %12s  %s%n", "size", "records/s", "payload MB/s",
                "disk MB/s", "raw MB/s", "disk/raw", "payload/raw", "target");
        for (Row row : rows) {
            OUT.printf(Locale.ROOT, "%-7s %,12.0f %13.1f %10.1f %9.1f %9.2f %12.2f  %s%n",
                    sizeLabel(row.wal().payloadBytes()), row.wal().recordsPerSecond(),
                    row.wal().payloadMegabytesPerSecond(), row.wal().diskMegabytesPerSecond(),
                    row.raw().megabytesPerSecond(), row.diskShare(), row.payloadShare(), row.target());
        }
        OUT.printf(Locale.ROOT, "raw MB/s: the disk writing, per fsync, the bytes of the WAL's average group commit; "
                        + "reference (%s per fsync) %.1f MB/s first, %.1f MB/s last%n", bytes(referenceBefore.bytes()),
                referenceBefore.megabytesPerSecond(), referenceAfter.megabytesPerSecond());
        if (recovery != null) {
            double median = recovery.medianWarmSeconds();
            OUT.printf(Locale.ROOT, "recovery: open of a %s log (%,d entries, %d segments): median %.3f s of %s "
                            + "(page cache warm)  target <= %.0f s: %s%n", bytes(recovery.walBytes()),
                    recovery.entries(), recovery.segments(), median, recovery.warmSeconds().stream()
                            .map(s -> String.format(Locale.ROOT, "%.3f", s)).collect(Collectors.joining(", ")),
                    TARGET_OPEN_SECONDS, median <= TARGET_OPEN_SECONDS ? "met" : "MISSED");
            if (!Double.isNaN(recovery.coldSeconds())) {
                OUT.printf(Locale.ROOT, "          cold (log dropped from the page cache first; %s): %.3f s%s%n",
                        recovery.coldNote(), recovery.coldSeconds(),
                        recovery.coldSeconds() <= TARGET_OPEN_SECONDS ? "" : " (over the target)");
            } else {
                OUT.println("          cold: " + recovery.coldNote());
            }
        }
    }

    /** Shows beacon-storage's WARN and ERROR lines (repairs, failures) and nothing chattier. */
    private static void warnOnly() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    private Thread watchdog() {
        long millis = (long) (timeoutSeconds * 1000);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            System.err.printf(Locale.ROOT, "beacon-bench-storage: still running after --timeout %.0f s; stopping%n",
                    timeoutSeconds);
            System.exit(3);
        }, "wal-bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String sizeLabel(long size) {
        return size >= 1024 && size % 1024 == 0 ? (size / 1024) + " KiB" : size + " B";
    }

    /** A byte count for people: B, KiB, MiB or GiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 100 || value == Math.rint(value) ? "%.0f %s" : "%.1f %s", value,
                units[unit]);
    }

    private static String millis(long nanos) {
        return nanos >= 10_000_000 ? String.format(Locale.ROOT, "%.0f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    /** Byte counts with an optional binary suffix: 512, 64k, 1m, 1g (also kib/mib/gib, any case). */
    static final class ByteSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            String number = text.replaceFirst("(k|m|g)(i?b)?$", "");
            int shift = switch (text.substring(number.length()).isEmpty() ? ' ' : text.charAt(number.length())) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            try {
                long parsed = Long.parseLong(number.trim());
                if (parsed < 0 || parsed > (Long.MAX_VALUE >> shift)) {
                    throw new CommandLine.TypeConversionException("out of range: " + value);
                }
                return parsed << shift;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a byte count (e.g. 512, 64k, 1m, 1g): " + value);
            }
        }
    }
}
