package io.beacon.bench.peers;

import io.beacon.bench.cluster.LoadStep;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover under load, the same for every system: 8 clients write to the leader; after a second the leader is
 * killed with SIGKILL; the time runs from the kill to the first write that a surviving node acknowledges. The
 * probe tries the survivors in turn, each request given 300 ms, pausing 5 ms after a quick refusal (a node that
 * knows no leader, or is not the leader). Then the killed node is started again on its data, and the next trial
 * waits until the cluster takes writes again.
 */
public final class FailoverTrials {
    private static final byte[] VALUE = new byte[64];
    private static final int PROBE_TIMEOUT_MILLIS = 300;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

    private FailoverTrials() {
    }

    /** Runs the trials and returns the milliseconds of each; a trial with no write within 60 s fails the run. */
    public static List<Double> run(KvCluster cluster, int trials, PrintStream log) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int trial = 1; trial <= trials; trial++) {
            Clusters.awaitWrite(cluster);
            int leader = Clusters.awaitLeader(cluster);
            AtomicBoolean running = new AtomicBoolean(true);
            LoadStep.Started load = KvLoad.start(cluster, KvLoad.Kind.WRITES, 8, leader, running, new AtomicLong(),
                    new Histogram(3));
            Thread.sleep(1000);
            cluster.kill(leader);
            long killed = System.nanoTime();
            double elapsed = firstWriteThroughOthers(cluster, leader, killed, "probe-" + trial);
            running.set(false);
            load.awaitStopped(5000);
            millis.add(elapsed);
            log.printf("%s trial %2d: %.0f ms (killed node %d)%n", cluster.name(), trial, elapsed, leader);
            cluster.restart(leader);
        }
        Clusters.awaitWrite(cluster);
        return millis;
    }

    private static double firstWriteThroughOthers(KvCluster cluster, int killed, long since, String key)
            throws Exception {
        int attempt = 0;
        while (System.nanoTime() - since < GIVE_UP_NANOS) {
            int node = (killed + 1 + attempt++ % (cluster.size() - 1)) % cluster.size();
            try (KvClient client = cluster.client(node, PROBE_TIMEOUT_MILLIS)) {
                if (client.put(key, VALUE)) {
                    return (System.nanoTime() - since) / 1e6;
                }
            } catch (Exception notYet) {
                // no leader yet, or the request timed out
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(cluster.name() + ": no write acknowledged within 60 s of killing the leader");
    }
}
