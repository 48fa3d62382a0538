package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real servers on 127.0.0.1 (distinct free ports, the machine's own network namespace: no network faults
 * here): kill -9 and restart, SIGSTOP of the leader and SIGCONT, and convergence after each.
 */
class ClusterProcessesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path out;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void killRestartPauseAndResumeAndTheClusterConvergesAfterEach() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (ClusterProcesses cluster = ClusterProcesses.create(ClusterLayout.freePorts(3), LaunchOptions.plain(),
                out)) {
            cluster.startAll(Duration.ofSeconds(60));
            for (int i = 0; i < 3; i++) {
                pids.add(cluster.pid(i).orElseThrow());
            }
            int leader = cluster.awaitLeader(Duration.ofSeconds(10));
            put(cluster, leader, "before", "1");
            Map<Integer, NodeStatus> converged = cluster.awaitConverged(Duration.ofSeconds(30));
            assertThat(converged).hasSize(3);
            assertThat(converged.values()).extracting(NodeStatus::leader).containsOnly(
                    converged.get(leader).memberId());

            // kill -9 a follower, write without it, restart it: it catches up with the same data.
            int follower = (leader + 1) % 3;
            cluster.kill(follower);
            assertThat(cluster.isAlive(follower)).isFalse();
            assertThat(cluster.status(follower)).isEmpty();
            long index = put(cluster, leader, "while-down", "2");
            cluster.start(follower);
            converged = cluster.awaitConverged(Duration.ofSeconds(30));
            assertThat(converged).containsKey(follower);
            assertThat(converged.get(follower).appliedIndex()).as("the restarted follower applied the write made "
                    + "while it was down").isGreaterThanOrEqualTo(index);
            assertThat(Files.readString(cluster.logFile(follower))).containsOnlyOnce("==== nemesis: start 2 of n")
                    .contains("==== nemesis: start 1 of n");

            // SIGSTOP the leader beyond the election timeout: the others elect another; after SIGCONT it follows.
            leader = cluster.awaitLeader(Duration.ofSeconds(10));
            long oldTerm = cluster.status(leader).orElseThrow().term();
            cluster.pause(leader);
            assertThat(cluster.isPaused(leader)).isTrue();
            assertThat(cluster.isLive(leader)).isFalse();
            int newLeader = awaitLeaderOtherThan(cluster, leader, Duration.ofSeconds(20));
            NodeStatus newLeaderStatus = cluster.status(newLeader).orElseThrow();
            assertThat(newLeaderStatus.term()).isGreaterThan(oldTerm);
            put(cluster, newLeader, "while-paused", "3");
            cluster.resume(leader);
            converged = cluster.awaitConverged(Duration.ofSeconds(30));
            assertThat(converged.get(leader).role()).as("the resumed old leader").isEqualTo("FOLLOWER");
            assertThat(converged.get(leader).leader()).isEqualTo(converged.get(newLeader).memberId());
            assertThat(converged.get(leader).term()).isGreaterThanOrEqualTo(newLeaderStatus.term());
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d after close", pid)
                    .isFalse();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void awaitConvergedSaysWhichNodeDoesNotAnswer() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.create(ClusterLayout.freePorts(1), LaunchOptions.plain(),
                out)) {
            // A lone server of a 1-node cluster leads itself at once, then is paused: live nodes, no answer.
            cluster.startAll(Duration.ofSeconds(60));
            cluster.awaitConverged(Duration.ofSeconds(10));
            cluster.kill(0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.awaitConverged(Duration.ofMillis(300)))
                    .isInstanceOf(ClusterProcesses.NotConvergedException.class)
                    .hasMessageContaining("no node is running").hasMessageContaining("n0 [down]");
        }
    }

    /** Writes through a node; the applied index of the answer's revision is not exposed, so: the leader's commit. */
    static long put(ClusterProcesses cluster, int node, String key, String value) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(cluster.uri(node).resolve("/beacon/v1/kv/"
                        + key)).timeout(Duration.ofSeconds(15)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT %s on n%d: %s", key, node, response.body()).isEqualTo(200);
        return cluster.status(node).orElseThrow().commitIndex();
    }

    static int awaitLeaderOtherThan(ClusterProcesses cluster, int old, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var leader = cluster.leader();
            if (leader.isPresent() && leader.getAsInt() != old) {
                return leader.getAsInt();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no node but n" + old + " took the lead within " + timeout + ": "
                + cluster.describe(cluster.statuses()));
    }
}
