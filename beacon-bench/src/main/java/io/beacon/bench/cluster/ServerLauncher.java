package io.beacon.bench.cluster;

import io.beacon.server.BeaconMain;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three Beacon servers as separate JVMs on 127.0.0.1 (this benchmark jar's {@code BeaconMain start}), each with
 * its own data directory; killed with SIGKILL by their handles, never by name.
 */
final class ServerLauncher implements AutoCloseable {
    static final String SECRET = "the benchmark cluster's secret";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final List<Integer> ports;
    private final Path data;
    private final Process[] processes;

    ServerLauncher(Path data, int servers) throws IOException {
        this.data = data;
        this.ports = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            ports.add(freePort());
        }
        this.processes = new Process[servers];
    }

    List<Integer> ports() {
        return ports;
    }

    void startAll() throws Exception {
        for (int i = 0; i < ports.size(); i++) {
            start(i);
        }
        for (int port : ports) {
            awaitHealthy(port, 60_000);
        }
    }

    void start(int server) throws IOException {
        List<String> cluster = new ArrayList<>();
        for (int port : ports) {
            cluster.add("127.0.0.1:" + port);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                BeaconMain.class.getName(), "start", "--port", String.valueOf(ports.get(server)), "--cluster",
                String.join(",", cluster), "--data", data.resolve("server-" + server).toString(), "--secret", SECRET,
                "--config", data.resolve("no-conf").toString());
        processes[server] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("server-" + server + ".log").toFile()).start();
    }

    void kill(int server) throws InterruptedException {
        processes[server].destroyForcibly();
        processes[server].waitFor(10, TimeUnit.SECONDS);
    }

    /** The index of the server that says it leads, or -1. */
    int leader() {
        for (int i = 0; i < ports.size(); i++) {
            if (processes[i] == null || !processes[i].isAlive()) {
                continue;
            }
            try {
                String body = get(ports.get(i), "/beacon/v1/cluster", 1000).body();
                if (body.contains("\"role\":\"LEADER\"")) {
                    return i;
                }
            } catch (Exception e) {
                // not answering
            }
        }
        return -1;
    }

    /** The term the server at index reports, or -1. */
    long term(int server) {
        try {
            String body = get(ports.get(server), "/beacon/v1/cluster", 1000).body();
            int at = body.indexOf("\"term\":");
            return Long.parseLong(body.substring(at + 7, body.indexOf(',', at)));
        } catch (Exception e) {
            return -1;
        }
    }

    static HttpResponse<String> get(int port, String path, long timeoutMillis) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMillis(timeoutMillis)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static int put(int port, String key, byte[] value, long timeoutMillis) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/beacon/v1/kv/" + key))
                        .timeout(Duration.ofMillis(timeoutMillis)).PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static void awaitHealthy(int port, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try {
                if (get(port, "/beacon/v1/health", 1000).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("server at port " + port + " not healthy in " + timeoutMillis + " ms");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A free HTTP port whose peer port (1000 lower) is free too. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            if (port > 1000) {
                try (ServerSocket peer = new ServerSocket(port - 1000, 1, InetAddress.getByName("127.0.0.1"))) {
                    return port;
                } catch (IOException taken) {
                    // another
                }
            }
        }
        throw new IOException("no free pair of ports");
    }
}
