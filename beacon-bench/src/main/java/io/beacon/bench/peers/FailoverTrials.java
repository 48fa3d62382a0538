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
    /** A trial slower than this prints what its probes met, to tell a slow election from a slow first commit. */
    private static final double SLOW_TRIAL_MILLIS = 500;
    private static final int MAX_PROBES_SHOWN = 40;

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
            Outcome outcome = firstWriteThroughOthers(cluster, leader, killed, "probe-" + trial);
            running.set(false);
            load.awaitStopped(5000);
            millis.add(outcome.millis());
            log.printf("%s trial %2d: %.0f ms (killed node %d)%n", cluster.name(), trial, outcome.millis(), leader);
            if (outcome.millis() > SLOW_TRIAL_MILLIS) {
                log.printf("    the probes before the first write: %s%n", String.join("; ", outcome.probes()));
            }
            cluster.restart(leader);
        }
        Clusters.awaitWrite(cluster);
        return millis;
    }

    /** The time to the first acknowledged write, and what each probe before it met. */
    private record Outcome(double millis, List<String> probes) {
    }

    private static Outcome firstWriteThroughOthers(KvCluster cluster, int killed, long since, String key)
            throws Exception {
        List<String> probes = new ArrayList<>();
        int attempt = 0;
        while (System.nanoTime() - since < GIVE_UP_NANOS) {
            int node = (killed + 1 + attempt++ % (cluster.size() - 1)) % cluster.size();
            long sent = System.nanoTime();
            String met;
            try (KvClient client = cluster.client(node, PROBE_TIMEOUT_MILLIS)) {
                if (client.put(key, VALUE)) {
                    return new Outcome((System.nanoTime() - since) / 1e6, probes);
                }
                met = "refused";
            } catch (Exception notYet) {
                // no leader yet, or the request timed out
                met = notYet.getClass().getSimpleName();
            }
            if (probes.size() < MAX_PROBES_SHOWN) {
                probes.add(String.format("node %d at %.0f ms: %s after %.0f ms", node, (sent - since) / 1e6, met,
                        (System.nanoTime() - sent) / 1e6));
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(cluster.name() + ": no write acknowledged within 60 s of killing the leader");
    }
}
