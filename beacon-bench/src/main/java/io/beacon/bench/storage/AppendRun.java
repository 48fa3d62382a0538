package io.beacon.bench.storage;

import io.beacon.bench.Dirs;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.storage.RaftStorage;
import io.beacon.storage.StorageOptions;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One size's WAL run: a producer (the calling thread) submits single-entry writes to a fresh {@link RaftStorage} as
 * fast as it can, with at most {@code window} of them not yet durable, for warm-up plus the measured time; the
 * storage thread gathers whatever is queued into one group commit (one fsync) each time round.
 *
 * <p>Everything is counted by completion time: a write counts if its future completed inside the measured window.
 * Its latency is submit → future completed (so, under this saturating closed loop, mostly the wait behind the
 * window: Little's law gives about window ÷ throughput). The number of group commits is the number of writes whose
 * future reported, as the last durable index, their own index: in a group every future gets the group's last index,
 * so exactly one write per group does. The bytes on disk per record are measured afterwards, from the size of the
 * log's files (record header and segment headers included).
 */
final class AppendRun {
    /** The measured part of a run. */
    record Result(int payloadBytes, int window, double seconds, long records, long groups, double diskBytesPerRecord,
                  Histogram latencyNanos, Cpu cpu, int segments) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double payloadMegabytesPerSecond() {
            return records * (double) payloadBytes / seconds / 1e6;
        }

        double diskMegabytesPerSecond() {
            return records * diskBytesPerRecord / seconds / 1e6;
        }

        double groupsPerSecond() {
            return groups / seconds;
        }

        double recordsPerGroup() {
            return groups == 0 ? 0 : (double) records / groups;
        }

        /** Bytes written to the log per fsync, on average: what the raw comparison writes per fsync. */
        double diskBytesPerGroup() {
            return recordsPerGroup() * diskBytesPerRecord;
        }
    }

    private final int payloadBytes;
    private final int window;
    private final long[] submittedAt;
    private final int mask;
    private final Semaphore permits;
    private final LongAdder records = new LongAdder();
    private final LongAdder groups = new LongAdder();
    private final Recorder latency = new Recorder(3);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long measureFrom;
    private long measureTo;

    private AppendRun(int payloadBytes, int window) {
        this.payloadBytes = payloadBytes;
        this.window = window;
        // A slot is reused only window writes after the one before it completed, so twice the window is enough.
        int ring = Integer.highestOneBit(window) << 2;
        this.submittedAt = new long[ring];
        this.mask = ring - 1;
        this.permits = new Semaphore(window);
    }

    static Result run(Path directory, int payloadBytes, int window, long warmupNanos, long measureNanos)
            throws Exception {
        return new AppendRun(payloadBytes, window).run(directory, warmupNanos, measureNanos);
    }

    private Result run(Path directory, long warmupNanos, long measureNanos) throws Exception {
        byte[] payload = Dirs.randomBytes(payloadBytes, payloadBytes);
        RaftStorage storage = RaftStorage.open(directory, StorageOptions.DEFAULTS, () -> 1L);
        try {
            storage.write(new HardState(1, 0), List.of(), List.of()).get(30, TimeUnit.SECONDS);
            Thread storageThread = storageThread();
            long start = System.nanoTime();
            // Set before the first write: the completions that read them run after it (through the storage queue).
            measureFrom = start + warmupNanos;
            measureTo = measureFrom + measureNanos;
            Cpu.Sample begin = null;
            Cpu.Sample end = null;
            long index = 0;
            while (true) {
                long now = System.nanoTime();
                if (begin == null && now >= measureFrom) {
                    begin = Cpu.sample(storageThread);
                }
                if (now >= measureTo) {
                    end = Cpu.sample(storageThread);
                    break;
                }
                if (failure.get() != null) {
                    break;
                }
                if (!permits.tryAcquire() && !permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long i = ++index;
                submittedAt[(int) (i & mask)] = System.nanoTime();
                storage.write(null, List.of(), List.of(Entry.command(i, 1, payload)))
                        .whenComplete((durable, error) -> completed(i, durable, error));
            }
            if (!permits.tryAcquire(window, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("writes still not durable 60 s after the run ended");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a write failed: " + failure.get(), failure.get());
            }
            if (begin == null || end == null) {
                throw new IllegalStateException("the run ended before its measured part began");
            }
            storage.close();
            Path wal = directory.resolve(RaftStorage.WAL_DIRECTORY);
            double diskBytesPerRecord = (double) Dirs.size(wal) / index;
            double seconds = measureNanos / 1e9;
            return new Result(payloadBytes, window, seconds, records.sum(), groups.sum(), diskBytesPerRecord,
                    latency.getIntervalHistogram(), Cpu.between(begin, end), Dirs.count(wal));
        } finally {
            storage.close();
        }
    }

    /** On the thread that completed the future: the storage thread, or the producer if it was already done. */
    private void completed(long index, Long durable, Throwable error) {
        long now = System.nanoTime();
        if (error != null) {
            failure.compareAndSet(null, error);
        } else if (now >= measureFrom && now < measureTo) {
            records.increment();
            if (durable == index) {
                groups.increment();
            }
            latency.recordValue(now - submittedAt[(int) (index & mask)]);
        }
        permits.release();
    }

    /** The thread of the storage just opened (those of storages closed before it have ended). */
    static Thread storageThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals("beacon-storage"))
                .max(Comparator.comparingLong(Thread::getId))
                .orElseThrow(() -> new IllegalStateException("no beacon-storage thread is running"));
    }
}
