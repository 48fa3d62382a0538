package io.beacon.bench.peers;

import io.beacon.bench.ProcessStats;
import io.beacon.bench.cluster.LoadStep;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one load generator of the side-by-side benchmark: a closed loop of clients, each with a connection of its own
 * to the leader, sending its next request when the last is answered (64-byte values, each client on 1,000 keys of
 * its own). The clients have no threads of their own: each sends its next request from where the answer to its
 * last arrives (for HTTP, one event loop for all of them: see {@link HttpKvConnection}). A client whose request
 * fails or times out pauses 20 ms (spinning would starve the servers of the two cores while they elect) and asks
 * again which node leads.
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
    private static final long PAUSE_MILLIS = 20;
    /** Where clients pause and look for the leader (which blocks for up to a second): never on an answer's thread. */
    private static final Executor PAUSED = CompletableFuture.delayedExecutor(PAUSE_MILLIS, TimeUnit.MILLISECONDS,
            Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "bench-client-pause");
                thread.setDaemon(true);
                return thread;
            }));

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
    static LoadStep.Started start(KvCluster cluster, Kind kind, int clients, int leader, AtomicBoolean running,
                                  AtomicLong done, Histogram latency) {
        CountDownLatch stopped = new CountDownLatch(clients);
        for (int id = 0; id < clients; id++) {
            new Client(cluster, kind, id, leader, running, done, latency, stopped).next();
        }
        return millis -> stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    /** One client of the closed loop: its next request goes out when the last is answered. */
    private static final class Client {
        private final KvCluster cluster;
        private final Kind kind;
        private final int id;
        private final AtomicBoolean running;
        private final AtomicLong done;
        private final Histogram latency;
        private final CountDownLatch stopped;
        private int node;
        private KvClient client;
        private long requests;

        Client(KvCluster cluster, Kind kind, int id, int node, AtomicBoolean running, AtomicLong done,
               Histogram latency, CountDownLatch stopped) {
            this.cluster = cluster;
            this.kind = kind;
            this.id = id;
            this.node = node;
            this.running = running;
            this.done = done;
            this.latency = latency;
            this.stopped = stopped;
        }

        void next() {
            if (!running.get()) {
                if (client != null) {
                    client.close();
                }
                stopped.countDown();
                return;
            }
            String key = "c" + id + "-" + requests++ % 1000;
            long start = System.nanoTime();
            CompletableFuture<Boolean> answer;
            try {
                if (client == null) {
                    client = cluster.client(node, REQUEST_TIMEOUT_MILLIS);
                }
                answer = kind == Kind.WRITES ? client.putAsync(key, VALUE) : client.getAsync(key);
            } catch (Exception e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((answered, error) -> {
                if (error == null && answered) {
                    long took = System.nanoTime() - start;
                    synchronized (latency) {
                        latency.recordValue(took);
                    }
                    done.incrementAndGet();
                    next();
                } else {
                    // refused, timed out or the connection broke (the outcome is unknown, and not counted)
                    pauseAndFindTheLeader();
                }
            });
        }

        private void pauseAndFindTheLeader() {
            if (client != null) {
                client.close();
                client = null;
            }
            PAUSED.execute(() -> {
                if (running.get()) {
                    int found = cluster.leader();
                    node = found >= 0 ? found : (node + 1) % cluster.size();
                }
                next();
            });
        }
    }
}
