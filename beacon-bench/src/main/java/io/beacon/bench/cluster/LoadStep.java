package io.beacon.bench.cluster;

import io.beacon.bench.ProcessStats;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One step of a closed-loop load: the clients start, warm up for 2 s, are measured for the given seconds (the
 * operations they count as done, and the latencies they record into the histogram, which they lock while
 * recording), and are stopped. Optionally also the CPU time the servers spent per operation over the measured
 * seconds: a figure that a busy shared machine changes much less than it changes operations per second.
 */
public final class LoadStep {
    /**
     * Operations per second and latency percentiles over the measured seconds, and the servers' CPU time (user and
     * system, all their threads) per operation in microseconds; NaN where not measured.
     */
    public record Result(double perSecond, double p50Millis, double p99Millis, double p999Millis,
                         double cpuMicrosPerOp) {
    }

    /** Starts the clients; each runs while running is true, counts what it completes and records its latency. */
    public interface Clients {
        Started start(AtomicBoolean running, AtomicLong done, Histogram latency);
    }

    /** Clients that were started, and stop once running turns false and their last requests are answered. */
    public interface Started {
        /** Waits at most millis for every client to have stopped. */
        void awaitStopped(long millis) throws InterruptedException;

        /** Clients that are threads, each stopped once it has ended. */
        static Started threads(List<Thread> threads) {
            return millis -> {
                long deadline = System.nanoTime() + millis * 1_000_000;
                for (Thread thread : threads) {
                    thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            };
        }
    }

    private LoadStep() {
    }

    public static Result run(int seconds, Clients clients) throws InterruptedException {
        return run(seconds, clients, null);
    }

    /**
     * The step, with the servers' CPU time per operation read from serverCpuTicks (the CPU time of every server
     * process together, in clock ticks of {@link ProcessStats#CLOCK_TICKS_PER_SECOND}) at the
     * start and end of the measured seconds.
     */
    public static Result run(int seconds, Clients clients, LongSupplier serverCpuTicks) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        Histogram latency = new Histogram(3);
        Started started = clients.start(running, done, latency);
        Thread.sleep(2000);
        long before = done.get();
        long ticksBefore = serverCpuTicks == null ? 0 : serverCpuTicks.getAsLong();
        synchronized (latency) {
            latency.reset();
        }
        Thread.sleep(seconds * 1000L);
        long count = done.get() - before;
        double cpuMicrosPerOp = serverCpuTicks == null || count == 0 ? Double.NaN
                : (serverCpuTicks.getAsLong() - ticksBefore) * 1e6 / ProcessStats.CLOCK_TICKS_PER_SECOND / count;
        Histogram measured;
        synchronized (latency) {
            measured = latency.copy();
        }
        running.set(false);
        started.awaitStopped(5000);
        return new Result(count / (double) seconds, measured.getValueAtPercentile(50) / 1e6,
                measured.getValueAtPercentile(99) / 1e6, measured.getValueAtPercentile(99.9) / 1e6, cpuMicrosPerOp);
    }
}
