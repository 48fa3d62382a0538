package io.beacon.bench.storage;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Where the CPU went during a measured window: the storage thread's and the producer's CPU time as a share of the
 * wall time (1.0 is one core kept busy; the rest of the storage thread's time is spent blocked, in fsync or
 * waiting for work), and the collections that ran.
 */
record Cpu(double storageShare, double producerShare, long collections, long collectionMillis) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** A reading taken on the producer thread. */
    record Sample(long wallNanos, long storageCpuNanos, long producerCpuNanos, long collections,
                  long collectionMillis) {
    }

    static Sample sample(Thread storageThread) {
        long collections = 0;
        long collectionMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, collector.getCollectionCount());
            collectionMillis += Math.max(0, collector.getCollectionTime());
        }
        boolean measured = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        return new Sample(System.nanoTime(), measured ? THREADS.getThreadCpuTime(storageThread.getId()) : -1,
                measured ? THREADS.getCurrentThreadCpuTime() : -1, collections, collectionMillis);
    }

    static Cpu between(Sample begin, Sample end) {
        double wall = end.wallNanos() - begin.wallNanos();
        boolean known = begin.storageCpuNanos() >= 0 && end.storageCpuNanos() >= 0;
        return new Cpu(known ? (end.storageCpuNanos() - begin.storageCpuNanos()) / wall : Double.NaN,
                known ? (end.producerCpuNanos() - begin.producerCpuNanos()) / wall : Double.NaN,
                end.collections() - begin.collections(), end.collectionMillis() - begin.collectionMillis());
    }
}
