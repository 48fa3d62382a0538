package io.beacon.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.beacon.server.ServerTestSupport.call;
import static io.beacon.server.ServerTestSupport.freeHttpPort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three servers in JVMs of their own on loopback: writes through every server, {@code kill -9} of the leader, a
 * new leader and more writes, the old leader restarted and caught up, and every acknowledged write on every
 * server. Also: servers with the wrong secret or cluster id, and garbage on a peer port, are refused while the
 * cluster keeps serving; and members are added, removed and handed leadership through the command line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterProcessTest {
    private static final String SECRET = "the secret of this test cluster";
    private static final String KV = "/beacon/v1/kv/";

    @TempDir
    Path data;

    private final List<ServerProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() throws Exception {
        for (ServerProcess process : processes) {
            process.close();
        }
    }

    private ServerProcess launch(List<String> arguments) throws Exception {
        ServerProcess process = new ServerProcess(arguments).start();
        processes.add(process);
        return process;
    }

    private static void awaitHealthy(int port, ServerProcess process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (call("GET", port, "/beacon/v1/health", null).status() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("server at " + port + " not healthy; output:\n" + process.output());
            }
            Thread.sleep(50);
        }
    }

    private static int leaderPort(List<Integer> ports) throws Exception {
        for (int port : ports) {
            try {
                ServerTestSupport.Answer cluster = call("GET", port, "/beacon/v1/cluster", null);
                if (cluster.body().contains("\"role\":\"LEADER\"")) {
                    return port;
                }
            } catch (java.io.IOException down) {
                // that one is down
            }
        }
        return -1;
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillingTheLeader() throws Exception {
        List<Integer> ports = List.of(freeHttpPort(), freeHttpPort(), freeHttpPort());
        Map<Integer, ServerProcess> servers = new LinkedHashMap<>();
        for (int port : ports) {
            servers.put(port, launch(ServerProcess.startArguments(port, ports, data.resolve("s" + port), SECRET)));
        }
        for (int port : ports) {
            awaitHealthy(port, servers.get(port));
        }

        Map<String, String> acknowledged = new LinkedHashMap<>();
        int written = 0;
        for (; written < 60; written++) {
            int through = ports.get(written % 3);
            ServerTestSupport.Answer put = call("PUT", through, KV + "k" + written, "v" + written);
            assertThat(put.status()).as("write %d through %d: %s", written, through, put.body()).isEqualTo(200);
            acknowledged.put("k" + written, "v" + written);
        }

        int leader = leaderPort(ports);
        assertThat(leader).isPositive();
        servers.get(leader).kill();
        long killedAt = System.nanoTime();
        List<Integer> survivors = ports.stream().filter(port -> port != leader).toList();
        int afterKill = 0;
        while (afterKill < 40 && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(60)) {
            int through = survivors.get(written % 2);
            try {
                ServerTestSupport.Answer put = call("PUT", through, KV + "k" + written, "v" + written);
                if (put.status() == 200) {
                    acknowledged.put("k" + written, "v" + written);
                    afterKill++;
                }
            } catch (java.io.IOException e) {
                // retried with the next key
            }
            written++;
        }
        assertThat(afterKill).as("writes after the leader was killed").isEqualTo(40);

        ServerProcess restarted = launch(ServerProcess.startArguments(leader, ports, data.resolve("s" + leader),
                SECRET));
        awaitHealthy(leader, restarted);
        String lastKey = "k" + (written - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (call("GET", leader, KV + lastKey + "?consistency=local", null).status() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (int port : ports) {
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                ServerTestSupport.Answer read = call("GET", port, KV + write.getKey() + "?consistency=local", null);
                assertThat(read.body()).as("%s on %d", write.getKey(), port)
                        .contains("\"value\":\"" + write.getValue() + "\"");
            }
        }
    }

    @Test
    void strangersAndGarbageAreRefusedAndTheClusterKeepsServing() throws Exception {
        List<Integer> ports = List.of(freeHttpPort(), freeHttpPort(), freeHttpPort());
        Map<Integer, ServerProcess> servers = new LinkedHashMap<>();
        for (int port : ports.subList(0, 2)) {
            servers.put(port, launch(ServerProcess.startArguments(port, ports, data.resolve("s" + port), SECRET)));
        }
        ServerProcess impostor = launch(ServerProcess.startArguments(ports.get(2), ports,
                data.resolve("impostor"), "not the cluster's secret at all"));
        awaitHealthy(ports.get(0), servers.get(ports.get(0)));
        assertThat(call("PUT", ports.get(0), KV + "a", "1").status()).isEqualTo(200);
        Thread.sleep(1000);
        ServerTestSupport.Answer impostorView = call("GET", ports.get(2), "/beacon/v1/health", null);
        assertThat(impostorView.status()).as("the impostor never finds a leader: %s", impostorView.body())
                .isEqualTo(503);
        assertThat(servers.get(ports.get(0)).output() + servers.get(ports.get(1)).output())
                .contains("did not prove it knows the cluster secret");
        assertThat(call("PUT", ports.get(1), KV + "b", "2").status()).as("the cluster serves on").isEqualTo(200);
        assertThat(impostor.isAlive()).isTrue();
        impostor.kill();

        // The right secret but another cluster's id (set in its beacon.properties).
        Path strangerConf = data.resolve("stranger-conf");
        java.nio.file.Files.createDirectories(strangerConf);
        java.nio.file.Files.writeString(strangerConf.resolve("beacon.properties"), "beacon.cluster.id=elsewhere\n");
        List<String> strangerArguments = new ArrayList<>(ServerProcess.startArguments(ports.get(2), ports,
                data.resolve("stranger"), SECRET));
        strangerArguments.set(strangerArguments.indexOf("--config") + 1, strangerConf.toString());
        ServerProcess stranger = launch(strangerArguments);
        await("the members refuse the stranger", () -> (servers.get(ports.get(0)).output()
                + servers.get(ports.get(1)).output()).contains("this member belongs to 'elsewhere'")
                || (servers.get(ports.get(0)).output() + servers.get(ports.get(1)).output())
                .contains("cluster 'elsewhere', this member belongs to 'beacon'"));
        // The members may refuse it before its HTTP port opens (its peer port opens first): wait for an answer.
        await("the stranger answers over HTTP", () -> {
            try {
                return call("GET", ports.get(2), "/beacon/v1/health", null).status() > 0;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
        assertThat(call("GET", ports.get(2), "/beacon/v1/health", null).status()).isEqualTo(503);

        // Garbage and an HTTP request on a member's peer port.
        int peerPort = ports.get(0) - 1000;
        for (byte[] garbage : List.of("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), new byte[] {0, 0, 0, 9,
                1, 2, 3, 4, 5, 6, 7, 8, 9}, new byte[] {0x7f, -1, -1, -1})) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", peerPort)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(garbage);
                socket.getOutputStream().flush();
                byte[] sink = new byte[1024];
                int read;
                do {
                    read = socket.getInputStream().read(sink);
                } while (read >= 0);
            } catch (java.net.SocketException reset) {
                // closed by the member: what we want
            }
        }
        assertThat(call("PUT", ports.get(0), KV + "c", "3").status()).as("still serving").isEqualTo(200);
        assertThat(servers.get(ports.get(0)).isAlive()).isTrue();
        assertThat(stranger.isAlive()).isTrue();
    }

    private static long memberIdAt(int port) throws Exception {
        String body = call("GET", port, "/beacon/v1/cluster", null).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("memberId").asLong();
    }

    private static int cli(String... arguments) {
        return new picocli.CommandLine(new BeaconMain()).execute(arguments);
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void membersAreAddedAndRemovedAndLeadershipHandedOverThroughTheCommandLine() throws Exception {
        List<Integer> ports = List.of(freeHttpPort(), freeHttpPort(), freeHttpPort());
        Map<Integer, ServerProcess> servers = new LinkedHashMap<>();
        for (int port : ports) {
            servers.put(port, launch(ServerProcess.startArguments(port, ports, data.resolve("s" + port), SECRET)));
        }
        for (int port : ports) {
            awaitHealthy(port, servers.get(port));
        }
        String first = "127.0.0.1:" + ports.get(0);
        assertThat(call("PUT", ports.get(0), KV + "before", "1").status()).isEqualTo(200);

        int fourth = freeHttpPort();
        List<Integer> withFourth = new ArrayList<>(ports);
        withFourth.add(fourth);
        List<String> joinArguments = new ArrayList<>(ServerProcess.startArguments(fourth, withFourth,
                data.resolve("s" + fourth), SECRET));
        joinArguments.add("--join");
        ServerProcess joiner = launch(joinArguments);
        await("the joining server answers", () -> {
            try {
                return call("GET", fourth, "/beacon/v1/cluster", null).status() == 200;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
        long fourthId = memberIdAt(fourth);
        assertThat(fourthId % 1000).as("a new incarnation, not the first").isNotEqualTo(1);

        assertThat(cli("add-member", "127.0.0.1:" + fourth, "--server", first)).isZero();
        await("the fourth server is promoted to voter", () -> call("GET", ports.get(0), "/beacon/v1/members", null)
                .body().matches("(?s).*\"voters\":\\[[^\\]]*" + fourthId + ".*"));
        assertThat(call("PUT", fourth, KV + "through-the-fourth", "2").status()).isEqualTo(200);
        await("the fourth server holds the data", () -> call("GET", fourth, KV + "before?consistency=local", null)
                .status() == 200);

        assertThat(cli("transfer-leader", String.valueOf(fourthId), "--server", first)).isZero();
        await("the fourth server leads", () -> call("GET", fourth, "/beacon/v1/cluster", null).body()
                .contains("\"role\":\"LEADER\""));

        long removed = memberIdAt(ports.get(2));
        assertThat(cli("remove-member", String.valueOf(removed), "--server", first)).isZero();
        await("the third server is gone from the voters", () -> !call("GET", fourth, "/beacon/v1/members", null)
                .body().contains(String.valueOf(removed)));
        assertThat(call("PUT", ports.get(1), KV + "after", "3").status()).isEqualTo(200);
        assertThat(call("GET", fourth, KV + "after", null).body()).contains("\"value\":\"3\"");
        assertThat(joiner.isAlive()).isTrue();
    }
}
