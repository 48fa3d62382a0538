package io.beacon.bench.peers;

import io.beacon.bench.ProcessStats;
import io.beacon.bench.cluster.LoadStep;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one load generator of the side-by-side benchmark: a closed loop of clients, each on a thread of its own
 * with a client of the leader, sending its next request when the last is answered (64-byte values, each client
 * on 1,000 keys of its own). A client whose request fails or times out pauses 20 ms (spinning would starve the
 * servers of the two cores while they elect) and asks again which node leads.
 */
public final class KvLoad {
    /** What the clients send. */
    public enum Kind {
        /** Writes of 64-byte values. */
        WRITES,
        /** Linearizable reads. */
        READS
    }

    private static final byte[] VALUE = new byte[64];
    private static final int REQUEST_TIMEOUT_MILLIS = 2000;

    private KvLoad() {
    }

    /** One measured step: the clients warm up for 2 s, then are measured for seconds. */
    public static LoadStep.Result step(KvCluster cluster, Kind kind, int clients, int seconds)
            throws InterruptedException {
        int leader = Clusters.awaitLeader(cluster);
        return LoadStep.run(seconds, (running, done, latency) ->
                start(cluster, kind, clients, leader, running, done, latency), () -> serverCpuTicks(cluster));
    }

    /** The CPU time of the cluster's node processes together, in clock ticks. */
    private static long serverCpuTicks(KvCluster cluster) {
        long ticks = 0;
        for (int node = 0; node < cluster.size(); node++) {
            try {
                ticks += ProcessStats.cpuTicks(cluster.pid(node));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CPU time of node " + node, e);
            }
        }
        return ticks;
    }

    /** Starts the clients, which run until running turns false; they count what is answered and record latency. */
    static List<Thread> start(KvCluster cluster, Kind kind, int clients, int leader, AtomicBoolean running,
                              AtomicLong done, Histogram latency) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread thread = new Thread(() -> loop(cluster, kind, id, leader, running, done, latency),
                    cluster.name() + "-client-" + c);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    private static void loop(KvCluster cluster, Kind kind, int id, int leader, AtomicBoolean running,
                             AtomicLong done, Histogram latency) {
        int node = leader;
        KvClient client = null;
        long i = 0;
        try {
            while (running.get()) {
                String key = "c" + id + "-" + i++ % 1000;
                boolean answered = false;
                long start = System.nanoTime();
                try {
                    if (client == null) {
                        client = cluster.client(node, REQUEST_TIMEOUT_MILLIS);
                    }
                    answered = kind == Kind.WRITES ? client.put(key, VALUE) : client.get(key);
                } catch (Exception e) {
                    // timed out or the connection broke: the outcome is unknown, and not counted
                }
                if (answered) {
                    long took = System.nanoTime() - start;
                    synchronized (latency) {
                        latency.recordValue(took);
                    }
                    done.incrementAndGet();
                    continue;
                }
                if (client != null) {
                    client.close();
                    client = null;
                }
                Thread.sleep(20);
                int found = cluster.leader();
                node = found >= 0 ? found : (node + 1) % cluster.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }
}
