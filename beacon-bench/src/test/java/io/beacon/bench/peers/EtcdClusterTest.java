package io.beacon.bench.peers;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real three-member etcd cluster (skipped where no {@code etcd} is on PATH): writes and reads through every member
 * with both kinds of client, and a write acknowledged after the leader's death, through a survivor. Values are read
 * back through the HTTP gateway directly, so that a client that wrote the wrong bytes cannot pass.
 */
class EtcdClusterTest {
    private static final int TIMEOUT_MILLIS = 5000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void etcdIsInstalled() {
        assumeTrue(EtcdCluster.binary().isPresent(), "no etcd executable on PATH");
    }

    @Test
    void grpcAndHttpClientsWriteThroughEveryMemberAndAWriteSucceedsAfterTheLeaderIsKilled(@TempDir Path dir)
            throws Exception {
        try (EtcdCluster cluster = EtcdCluster.grpc(dir)) {
            assertThat(cluster.name()).isEqualTo("etcd (gRPC)");
            cluster.start();
            assertThat(cluster.peerPorts()).hasSize(3).doesNotHaveDuplicates()
                    .doesNotContain(cluster.clientPort(0), cluster.clientPort(1), cluster.clientPort(2));
            for (int port : cluster.peerPorts()) {
                new Socket("127.0.0.1", port).close(); // etcd listens for its peers there
            }
            for (int node = 0; node < cluster.size(); node++) {
                assertThat(Files.exists(dir.resolve("etcd-" + node + ".log"))).isTrue();
                assertThat(ProcessHandle.of(cluster.pid(node)).map(ProcessHandle::isAlive)).contains(true);
            }

            for (int node = 0; node < cluster.size(); node++) {
                try (KvClient grpc = cluster.client(node, TIMEOUT_MILLIS);
                     KvClient http = new EtcdHttpClient(cluster.clientPort(node), TIMEOUT_MILLIS)) {
                    assertWritesAndReads(cluster, node, grpc, "grpc-" + node);
                    assertWritesAndReads(cluster, node, http, "http-" + node);
                }
            }

            int leader = awaitLeader(cluster);
            int survivor = (leader + 1) % cluster.size();
            long termBefore = rawTerm(cluster, survivor);
            long leaderPid = cluster.pid(leader);
            cluster.kill(leader);
            assertThat(ProcessHandle.of(leaderPid).filter(ProcessHandle::isAlive)).isEmpty();
            // 1 s: a refused connection is told in milliseconds, jetcd's default retries would take 1.5 s and more.
            try (KvClient toTheDead = cluster.client(leader, 1000);
                 KvClient httpToTheDead = new EtcdHttpClient(cluster.clientPort(leader), 1000)) {
                // Unreachable is an unknown outcome, not a refusal; and jetcd, which neither retries nor waits for a
                // ready channel here, says so at once rather than letting the caller's timeout run out.
                assertThatThrownBy(() -> toTheDead.put("to-the-dead", bytes("x"))).isInstanceOf(Exception.class)
                        .isNotInstanceOf(TimeoutException.class);
                assertThatThrownBy(() -> toTheDead.get("to-the-dead")).isInstanceOf(Exception.class)
                        .isNotInstanceOf(TimeoutException.class);
                assertThatThrownBy(() -> httpToTheDead.put("to-the-dead", bytes("x")))
                        .isInstanceOf(IOException.class);
            }

            try (KvClient client = cluster.client(survivor, 2000)) {
                assertThat(putWithinThirtySeconds(client, "after-failover", bytes("written-without-" + leader)))
                        .as("a write through a survivor acknowledged within 30 s of the leader's death").isTrue();
            }
            assertThat(awaitLeader(cluster)).isNotEqualTo(leader);
            // What was killed led: its death brought an election.
            assertThat(rawTerm(cluster, survivor)).isGreaterThan(termBefore);
            assertThat(cluster.leader()).isNotEqualTo(leader);

            cluster.restart(leader);
            assertThat(ProcessHandle.of(cluster.pid(leader)).map(ProcessHandle::isAlive)).contains(true);
            assertThat(cluster.pid(leader)).isNotEqualTo(leaderPid);
            try (KvClient client = cluster.client(leader, TIMEOUT_MILLIS)) {
                assertThat(getWithinThirtySeconds(client, "after-failover")).isTrue();
            }
            // The same member, on its own data, catches up with the write it missed.
            assertThat(awaitValue(cluster, leader, "after-failover")).isEqualTo("written-without-" + leader);
        }
    }

    @Test
    void anHttpClusterStartsAndServesThroughEveryMember(@TempDir Path dir) throws Exception {
        try (EtcdCluster cluster = EtcdCluster.http(dir)) {
            assertThat(cluster.name()).isEqualTo("etcd (HTTP gateway)");
            cluster.start();
            for (int node = 0; node < cluster.size(); node++) {
                try (KvClient client = cluster.client(node, TIMEOUT_MILLIS)) {
                    assertThat(client).isInstanceOf(EtcdHttpClient.class);
                    assertWritesAndReads(cluster, node, client, "http-cluster-" + node);
                }
            }
            assertThat(cluster.leader()).isBetween(0, 2);
        }
    }

    /** Writes key through client, reads it through it and (raw) through the next member: the same value. */
    private static void assertWritesAndReads(EtcdCluster cluster, int node, KvClient client, String key)
            throws Exception {
        String value = "value of " + key;
        assertThat(client.put(key, bytes(value))).as("put %s through %d", key, node).isTrue();
        assertThat(client.get(key)).as("get %s through %d", key, node).isTrue();
        assertThat(client.get("never-written")).isTrue();
        assertThat(rawValue(cluster, (node + 1) % cluster.size(), key, false)).isEqualTo(value);
    }

    private static int awaitLeader(EtcdCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int leader = cluster.leader();
            if (leader >= 0) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within 30 s");
    }

    /** Retries the write (each attempt's outcome unknown or refused) until one is acknowledged, for 30 s. */
    private static boolean putWithinThirtySeconds(KvClient client, String key, byte[] value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (client.put(key, value)) {
                    return true;
                }
            } catch (Exception unknownOutcome) {
                // try again
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean getWithinThirtySeconds(KvClient client, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (client.get(key)) {
                    return true;
                }
            } catch (Exception notYet) {
                // try again
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The value the member at node holds under key (a serializable read: its own copy), waiting up to 30 s. */
    private static String awaitValue(EtcdCluster cluster, int node, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = rawValue(cluster, node, key, true);
                if (value != null) {
                    return value;
                }
            } catch (IOException notYet) {
                // try again
            }
            Thread.sleep(50);
        }
        return value;
    }

    /**
     * Key's value by a range request to the member's gateway, linearizable or serializable (the member's own copy,
     * as it may lag); null if absent.
     */
    private static String rawValue(EtcdCluster cluster, int node, String key, boolean serializable)
            throws Exception {
        String body = "{\"key\":\"" + base64(key) + "\",\"serializable\":" + serializable + "}";
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + cluster.clientPort(node) + "/v3/kv/range")).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        int at = answer.body().indexOf("\"value\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + "\"value\":\"".length();
        String encoded = answer.body().substring(start, answer.body().indexOf('"', start));
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** The raft term the member reports, read from its status answer here rather than through EtcdStatus. */
    private static long rawTerm(EtcdCluster cluster, int node) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + cluster.clientPort(node) + "/v3/maintenance/status")).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher term = Pattern.compile("\"raft_term\":\"(\\d+)\"").matcher(answer.body());
        assertThat(term.find()).as(answer.body()).isTrue();
        return Long.parseLong(term.group(1));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
