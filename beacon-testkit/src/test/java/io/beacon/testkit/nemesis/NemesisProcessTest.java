package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nemesis loop against three real servers on 127.0.0.1, under libfiu and libfaketime (skipped unless both are
 * installed: apt-get install -y fiu-utils faketime), with every fault but partition (which needs a network
 * namespace of our own): each fault is applied, healed and noted, the fsync fault's node stops by itself, and the cluster converges at the end. A light writer keeps
 * the nodes fsyncing.
 */
class NemesisProcessTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyFaultButPartitionIsAppliedHealedAndRecoveredFrom() throws Exception {
        assumeTrue(LaunchOptions.fiuAvailable(), "needs fiu-utils (apt-get install -y fiu-utils)");
        assumeTrue(LaunchOptions.faketimeAvailable(), "needs libfaketime (apt-get install -y faketime)");
        List<FaultType> types = List.of(FaultType.FSYNC, FaultType.CLOCK, FaultType.KILL, FaultType.PAUSE,
                FaultType.MEMBERSHIP, FaultType.DISK);
        List<FaultEvent> events = Collections.synchronizedList(new ArrayList<>());
        LaunchOptions options = LaunchOptions.plain().withFiu(true).withFaketime(true);
        try (ClusterProcesses cluster = ClusterProcesses.create(ClusterLayout.freePorts(3), options, out)) {
            cluster.startAll(Duration.ofSeconds(60));
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> writeUntilStopped(cluster, writing), "writer");
            writer.start();
            FaultSchedule schedule = new FaultSchedule(types, 11, Duration.ofMillis(2000), Duration.ofMillis(3000));
            long runStart = System.nanoTime();
            Nemesis nemesis = new Nemesis(cluster, null, schedule, event -> {
                events.add(event);
                System.out.println("fault event: " + event);
            }, runStart, new Nemesis.Settings(Duration.ofMillis(500), Duration.ofSeconds(30)));
            nemesis.start(Duration.ofSeconds(150));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(170);
            while (countPhase(events, FaultEvent.Phase.END) < types.size() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            nemesis.stop();
            writing.set(false);
            writer.join(20_000);
            assertThat(nemesis.failure()).isNull();
            cluster.awaitConverged(Duration.ofSeconds(30));
        }
        for (FaultType type : types) {
            assertThat(events).as("events of %s: %s", type.label(), events)
                    .anySatisfy(e -> assertThat(e).matches(x -> x.fault().equals(type.label())
                            && x.phase() == FaultEvent.Phase.START))
                    .anySatisfy(e -> assertThat(e).matches(x -> x.fault().equals(type.label())
                            && x.phase() == FaultEvent.Phase.END));
        }
        assertThat(events).noneMatch(e -> e.detail().contains("could not be applied")
                || e.detail().contains("nemesis stopped") || e.detail().contains("did not converge"));
        assertThat(events).as("the fsync fault's node ends its process").anyMatch(e -> e.fault().equals("fsync")
                && e.phase() == FaultEvent.Phase.NOTE && e.detail().contains("exited with status 74"));
        assertThat(events).as("the disk fault's node starts again or refuses with a clear error").anyMatch(e ->
                e.fault().equals("disk") && e.phase() == FaultEvent.Phase.NOTE
                        && (e.detail().contains("rejoined") || e.detail().contains("refused")));
        assertThat(events).extracting(FaultEvent::time).isSorted();
    }

    private static long countPhase(List<FaultEvent> events, FaultEvent.Phase phase) {
        synchronized (events) {
            return events.stream().filter(e -> e.phase() == phase).count();
        }
    }

    /** One small write every 50 ms through a live node; failures are expected under faults and ignored. */
    private static void writeUntilStopped(ClusterProcesses cluster, AtomicBoolean writing) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(500)).build();
        int n = 0;
        while (writing.get()) {
            int node = n++ % cluster.size();
            if (cluster.isLive(node)) {
                try {
                    http.send(java.net.http.HttpRequest.newBuilder(cluster.uri(node).resolve("/beacon/v1/kv/k" + (n % 7)))
                                    .timeout(Duration.ofSeconds(3))
                                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v" + n)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                } catch (Exception e) {
                    // faults make writes fail; only the nemesis is under test here
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
