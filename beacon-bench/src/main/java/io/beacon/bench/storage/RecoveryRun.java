package io.beacon.bench.storage;

import io.beacon.bench.Dirs;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.storage.RaftStorage;
import io.beacon.storage.StorageOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time to open a large log: writes one of about the size asked for in 1 KiB records (in writes of 8,192 entries,
 * four in flight), closes it, then times {@link RaftStorage#open} — which reads and checks every segment and
 * decodes every entry into memory — until {@code recoveredState().entries()} is in hand, several times over.
 *
 * <p>Those reopens find the log in the page cache (it has just been written): they measure the storage's own
 * work. A cold open, one more, first asks the kernel to drop the log's files from the page cache
 * ({@code dd iflag=nocache count=0} per file, which leaves the rest of the machine's cache alone) and reports how
 * much of the log {@code fincore} still found cached, so that it includes reading the disk, as after a reboot.
 */
final class RecoveryRun {
    static final int RECORD_PAYLOAD_BYTES = 1024;
    /** io.beacon.storage.WalRecord.HEADER_BYTES (package-private there): used only to size the log asked for. */
    static final int RECORD_HEADER_BYTES = 26;
    private static final int ENTRIES_PER_WRITE = 8192;
    private static final int WRITES_IN_FLIGHT = 4;
    /** Heap in use right after the latest open, its entries still loaded. */
    private static long heapInUse;

    record Result(long entries, long walBytes, int segments, double buildSeconds, List<Double> warmSeconds,
                  double coldSeconds, String coldNote) {
        double medianWarmSeconds() {
            List<Double> sorted = new ArrayList<>(warmSeconds);
            sorted.sort(null);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    private RecoveryRun() {
    }

    static Result run(Path directory, long targetBytes, int runs, boolean cold, PrintStream out) throws Exception {
        long entries = Math.max(1, targetBytes / (RECORD_PAYLOAD_BYTES + RECORD_HEADER_BYTES));
        double buildSeconds = build(directory, entries);
        Path wal = directory.resolve(RaftStorage.WAL_DIRECTORY);
        long walBytes = Dirs.size(wal);
        int segments = Dirs.count(wal);
        out.printf(Locale.ROOT, "  built: %,d entries of %d B in %d segments, %s on disk, in %.1f s (%.0f MB/s)%n",
                entries, RECORD_PAYLOAD_BYTES, segments, WalBenchmark.bytes(walBytes), buildSeconds,
                walBytes / buildSeconds / 1e6);
        List<Double> warm = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double seconds = open(directory, entries);
            warm.add(seconds);
            out.printf(Locale.ROOT, "  open %d (page cache warm): %.3f s  = %.0f MB/s, %,.0f entries/s%s%n", run,
                    seconds, walBytes / seconds / 1e6, entries / seconds, heapNote());
        }
        double coldSeconds = Double.NaN;
        String coldNote;
        if (!cold) {
            coldNote = "skipped (--skip-cold)";
        } else {
            String dropped = dropFromPageCache(Dirs.files(wal));
            if (dropped != null) {
                coldNote = "skipped: " + dropped;
            } else {
                String cached = cachedBytes(Dirs.files(wal));
                coldSeconds = open(directory, entries);
                coldNote = cached;
                out.printf(Locale.ROOT, "  open cold (log dropped from the page cache; %s): %.3f s  = %.0f MB/s%s%n",
                        cached, coldSeconds, walBytes / coldSeconds / 1e6, heapNote());
            }
            if (Double.isNaN(coldSeconds)) {
                out.println("  open cold: " + coldNote);
            }
        }
        return new Result(entries, walBytes, segments, buildSeconds, warm, coldSeconds, coldNote);
    }

    private static double build(Path directory, long entries) throws Exception {
        byte[] payload = Dirs.randomBytes(RECORD_PAYLOAD_BYTES, 1);
        long started = System.nanoTime();
        RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 1L);
        try {
            storage.write(new HardState(1, 0), List.of(), List.of()).get(30, TimeUnit.SECONDS);
            ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
            long next = 1;
            while (next <= entries) {
                int count = (int) Math.min(ENTRIES_PER_WRITE, entries - next + 1);
                List<Entry> batch = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    batch.add(Entry.command(next + i, 1, payload));
                }
                next += count;
                inFlight.add(storage.write(null, List.of(), batch));
                if (inFlight.size() >= WRITES_IN_FLIGHT) {
                    inFlight.remove().get(120, TimeUnit.SECONDS);
                }
            }
            while (!inFlight.isEmpty()) {
                inFlight.remove().get(120, TimeUnit.SECONDS);
            }
        } finally {
            storage.close();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Opens the storage, checks it recovered every entry, closes it; returns the seconds open took. */
    private static double open(Path directory, long entries) throws IOException {
        System.gc(); // the previous open's entries are garbage: do not make this one collect them
        long started = System.nanoTime();
        RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> {
            throw new IllegalStateException("the log's directory lost its member identity");
        });
        List<Entry> recovered = storage.recoveredState().entries();
        double seconds = (System.nanoTime() - started) / 1e9;
        try {
            if (recovered.size() != entries || recovered.get(0).index() != 1
                    || recovered.get(recovered.size() - 1).index() != entries) {
                throw new IllegalStateException("recovered " + recovered.size() + " entries, expected " + entries);
            }
            if (!storage.recoveryReport().repairs().isEmpty()) {
                throw new IllegalStateException("recovery repaired a cleanly closed log: "
                        + storage.recoveryReport().repairs());
            }
            heapInUse = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        } finally {
            storage.close();
        }
        return seconds;
    }

    private static String heapNote() {
        return String.format(Locale.ROOT, "; heap in use with the entries loaded %s", WalBenchmark.bytes(heapInUse));
    }

    /** Returns null on success, else why it could not. */
    private static String dropFromPageCache(List<Path> files) {
        for (Path file : files) {
            String failed = runQuietly(List.of("dd", "if=" + file, "iflag=nocache", "count=0", "status=none"));
            if (failed != null) {
                return "dd could not drop " + file.getFileName() + " from the page cache (" + failed + ")";
            }
        }
        return null;
    }

    /** How much of the files fincore finds in the page cache, as text. */
    private static String cachedBytes(List<Path> files) {
        List<String> command = new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
        files.forEach(file -> command.add(file.toString()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return "fincore failed";
            }
            long total = 0;
            for (String line : output.strip().split("\\s+")) {
                total += Long.parseLong(line);
            }
            return "fincore: " + WalBenchmark.bytes(total) + " of it still cached";
        } catch (IOException | NumberFormatException e) {
            return "fincore unavailable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "fincore interrupted";
        }
    }

    private static String runQuietly(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
