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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Beacon servers as separate JVMs (this benchmark jar's {@code BeaconMain start}), each with its own data
 * directory; killed with SIGKILL by their handles, never by name. Each server listens (HTTP and peer port) on the
 * address it is given: all on 127.0.0.1 with different ports, or one loopback address each (127.0.0.2, ...) so
 * that a firewall rule on one server's address cuts that server off.
 */
public final class ServerLauncher implements AutoCloseable {
    static final String SECRET = "the benchmark cluster's secret";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    /** How long {@link #leader()} and {@link #term(int)} wait for a server's view of the cluster. */
    private static final long STATUS_TIMEOUT_MILLIS = 1000;

    private final List<String> hosts;
    private final List<Integer> ports;
    private final Path data;
    private final Process[] processes;

    /** The given number of servers, all on 127.0.0.1. */
    public ServerLauncher(Path data, int servers) throws IOException {
        this(data, Collections.nCopies(servers, "127.0.0.1"));
    }

    private String heap = "256m";
    private String collector = "-XX:+UseParallelGC";

    /** One server on each of hosts (IP addresses this machine has), with free ports there. */
    public ServerLauncher(Path data, List<String> hosts) throws IOException {
        this.data = data;
        this.hosts = List.copyOf(hosts);
        this.ports = new ArrayList<>();
        for (String host : this.hosts) {
            ports.add(freePort(host));
        }
        this.processes = new Process[this.hosts.size()];
    }

    /** How many servers there are. */
    public int size() {
        return hosts.size();
    }

    /** The port the server at index listens on for its peers: 1000 below its HTTP port, as BeaconMain sets it. */
    public int peerPort(int server) {
        return ports.get(server) - 1000;
    }

    /** The address the server at index listens on. */
    public String host(int server) {
        return hosts.get(server);
    }

    /** The HTTP port of the server at index. */
    public int port(int server) {
        return ports.get(server);
    }

    /** The servers' heap (-Xms and -Xmx), 256m unless set before they start. */
    public ServerLauncher withHeap(String heap) {
        this.heap = heap;
        return this;
    }

    /**
     * The servers run the JVM's default collector (G1, as {@code bin/beacon} runs them) instead of the parallel
     * one: for heaps of gigabytes, whose parallel collections pause longer than an election timeout.
     */
    public ServerLauncher withDefaultCollector() {
        this.collector = null;
        return this;
    }

    /** The process id of the server at index (for its CPU and memory). */
    public long pid(int server) {
        return processes[server].pid();
    }

    public void startAll() throws Exception {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        for (int i = 0; i < size(); i++) {
            awaitHealthy(i, 60_000);
        }
    }

    public void start(int server) throws IOException {
        List<String> cluster = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            cluster.add(hosts.get(i) + ":" + ports.get(i));
        }
        // --host names this server's entry in --cluster and is the address both its listeners bind to.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xms" + heap, "-Xmx" + heap));
        if (collector != null) {
            command.add(collector);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BeaconMain.class.getName(), "start",
                "--host", hosts.get(server), "--port", String.valueOf(ports.get(server)), "--cluster",
                String.join(",", cluster), "--data", data.resolve("server-" + server).toString(), "--secret", SECRET,
                "--config", data.resolve("no-conf").toString()));
        processes[server] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server-" + server + ".log").toFile()))
                .start();
    }

    public void kill(int server) throws InterruptedException {
        processes[server].destroyForcibly();
        processes[server].waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The index of the server that says it leads, or -1. Every running server is asked at once; one that does not
     * answer in time (gone, or cut off by a partition) is passed over, and if two claim to lead (an old leader
     * that has not yet heard of the new term) the one with the higher term is taken. Takes at most the status
     * timeout, and the whole of it while some server does not answer.
     */
    public int leader() {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            answers.add(processes[i] == null || !processes[i].isAlive() ? null
                    : HTTP.sendAsync(statusRequest(i), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATUS_TIMEOUT_MILLIS);
        int leader = -1;
        long leaderTerm = -1;
        for (int i = 0; i < size(); i++) {
            if (answers.get(i) == null) {
                continue;
            }
            try {
                String body = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        .body();
                long term = termIn(body);
                if (body.contains("\"role\":\"LEADER\"") && term > leaderTerm) {
                    leader = i;
                    leaderTerm = term;
                }
            } catch (Exception e) {
                // not answering
            }
        }
        return leader;
    }

    /** Waits up to 30 s for a server to say it leads; its index. */
    public int awaitLeader() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            int leader = leader();
            if (leader >= 0) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader within 30 s");
    }

    /** The term the server at index reports, or -1. */
    public long term(int server) {
        try {
            return termIn(HTTP.send(statusRequest(server), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpRequest statusRequest(int server) {
        return HttpRequest.newBuilder(uri(server, "/beacon/v1/cluster"))
                .timeout(Duration.ofMillis(STATUS_TIMEOUT_MILLIS)).GET().build();
    }

    /** The term in a /beacon/v1/cluster answer. */
    private static long termIn(String body) {
        int at = body.indexOf("\"term\":");
        return Long.parseLong(body.substring(at + 7, body.indexOf(',', at)));
    }

    public HttpResponse<String> get(int server, String path, long timeoutMillis) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofMillis(timeoutMillis)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Writes key through the server at index; the HTTP status. */
    public int put(int server, String key, byte[] value, long timeoutMillis) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, "/beacon/v1/kv/" + key))
                        .timeout(Duration.ofMillis(timeoutMillis)).PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    public URI uri(int server, String path) {
        return URI.create("http://" + hosts.get(server) + ":" + ports.get(server) + path);
    }

    public void awaitHealthy(int server, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try {
                if (get(server, "/beacon/v1/health", 1000).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("server at " + uri(server, "") + " not healthy in " + timeoutMillis
                + " ms");
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

    /** A free HTTP port on host whose peer port (1000 lower) is free too. */
    private static int freePort(String host) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, address)) {
                port = probe.getLocalPort();
            }
            if (port > 1000) {
                try (ServerSocket peer = new ServerSocket(port - 1000, 1, address)) {
                    return port;
                } catch (IOException taken) {
                    // another
                }
            }
        }
        throw new IOException("no free pair of ports on " + host);
    }
}
