package io.beacon.bench.peers;

import io.beacon.testkit.http.KeepAliveConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SOFAJRaft peer as the benchmark drives it: three JVMs, a write and a linearizable read through the leader,
 * the leader killed, a write acknowledged by a survivor, and the killed node restarted on its data (and the
 * snapshot it took before it was killed) serving what was written before and while it was down.
 * <p>
 * Not a timing test: on a loaded machine a node may miss an election timeout and the group elect again, so every
 * step retries refusals (503, no answer) for up to 30 s and asks anew which node leads. A wrong answer (a missing or
 * different value) is retried too but fails the test when the 30 s are up.
 */
class SofaJraftClusterTest {
    private static final int TIMEOUT_MILLIS = 5000;
    private static final long PATIENCE_NANOS = 30_000_000_000L;
    private static final String BEFORE = "first value";
    private static final String DURING = "written without it";

    @Test
    void writesSurviveTheLeadersDeathAndTheRestartedNodeServesThem(@TempDir Path dir) throws Exception {
        // A snapshot every second, so that the killed node restarts from a snapshot and the log after it.
        try (SofaJraftCluster cluster = new SofaJraftCluster(dir, 1, ServerJvm.DEFAULT)) {
            cluster.start();
            IntSupplier leader = () -> awaitLeader(cluster);

            await("a put through the leader", () -> put(cluster, leader.getAsInt(), "before", BEFORE));
            await("a get through the leader", () -> get(cluster, leader.getAsInt(), "before"));
            await("a get of an absent key", () -> get(cluster, leader.getAsInt(), "never written"));
            awaitRead(cluster, leader, "before", new Answer(200, BEFORE));
            awaitRead(cluster, leader, "never written", new Answer(404, ""));
            for (int node = 0; node < cluster.size(); node++) {
                awaitSnapshot(cluster.dataDir(node));
            }

            int killed = awaitLeader(cluster);
            cluster.kill(killed);
            // Only a leader acknowledges a write: the survivor that does was elected after the kill.
            int acknowledgedBy = writeThroughASurvivor(cluster, killed, "during", DURING);
            assertThat(acknowledgedBy).isNotEqualTo(killed);

            cluster.restart(killed);
            try (KeepAliveConnection status = new KeepAliveConnection("127.0.0.1", cluster.httpPort(killed),
                    TIMEOUT_MILLIS)) {
                assertThat(status.call("GET", "/status")).isEqualTo(200);
            }
            awaitRead(cluster, leader, "before", new Answer(200, BEFORE));
            awaitRead(cluster, leader, "during", new Answer(200, DURING));
            // The restarted node catches up: its linearizable reads return both writes.
            awaitRead(cluster, () -> killed, "during", new Answer(200, DURING));
            awaitRead(cluster, () -> killed, "before", new Answer(200, BEFORE));
        }
    }

    private static boolean put(SofaJraftCluster cluster, int node, String key, String value) throws Exception {
        try (KvClient client = cluster.client(node, TIMEOUT_MILLIS)) {
            return client.put(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static boolean get(SofaJraftCluster cluster, int node, String key) throws Exception {
        try (KvClient client = cluster.client(node, TIMEOUT_MILLIS)) {
            return client.get(key);
        }
    }

    /** Retries the write on each surviving node until one acknowledges it; that node's index. */
    private static int writeThroughASurvivor(SofaJraftCluster cluster, int dead, String key, String value)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline) {
            for (int node = 0; node < cluster.size(); node++) {
                try {
                    if (node != dead && put(cluster, node, key, value)) {
                        return node;
                    }
                } catch (Exception unknown) {
                    // a timeout or a broken connection: try again (the write is idempotent)
                }
            }
            Thread.sleep(100);
        }
        return fail("no surviving node acknowledged a write within 30 s");
    }

    /** The node that leads, waiting up to 30 s for one. */
    private static int awaitLeader(SofaJraftCluster cluster) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline) {
            int leader = cluster.leader();
            if (leader >= 0) {
                return leader;
            }
        }
        return fail("no leader within 30 s");
    }

    /** Retries step until it returns true (a refusal or an I/O error is retried), up to 30 s. */
    private static void await(String what, Callable<Boolean> step) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (step.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        fail(what + " did not succeed within 30 s", last);
    }

    /** Reads key through the node that node names (asked anew each time) until the answer is expected. */
    private static void awaitRead(SofaJraftCluster cluster, IntSupplier node, String key, Answer expected)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        Answer last = null;
        int asked = -1;
        while (System.nanoTime() < deadline) {
            asked = node.getAsInt();
            try {
                last = read(cluster, asked, key);
                if (last.equals(expected)) {
                    return;
                }
            } catch (IOException notYet) {
                // not answering yet
            }
            Thread.sleep(100);
        }
        assertThat(last).as("node %d's answer for %s", asked, key).isEqualTo(expected);
    }

    /** Waits until some snapshot file of the map exists under the node's data directory. */
    private static void awaitSnapshot(Path data) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(data)) {
                if (files.anyMatch(file -> file.getFileName().toString().equals("kv-map"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail("no snapshot under " + data + " within 30 s");
    }

    /** A GET of key straight through the node's HTTP API, to see the value (KvClient only says it answered). */
    private static Answer read(SofaJraftCluster cluster, int node, String key) throws IOException {
        try (KeepAliveConnection connection = new KeepAliveConnection("127.0.0.1", cluster.httpPort(node),
                TIMEOUT_MILLIS)) {
            KeepAliveConnection.Answer answer = connection.exchange("GET", RestKvClient.path(SofaJraftCluster.KV_PREFIX, key), new byte[0]);
            return new Answer(answer.status(), answer.text());
        }
    }

    /** A status and body text, comparable. */
    private record Answer(int status, String body) {
    }
}
