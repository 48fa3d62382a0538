package io.beacon.bench.peers;

import io.beacon.bench.peers.sofajraft.SofaJraftServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three {@link SofaJraftServer} JVMs on 127.0.0.1 ("sofajraft"), each with a raft port, an HTTP port and a data
 * directory {@code <dir>/sofajraft-N} (log {@code <dir>/sofajraft-N.log}, appended to across restarts), run with
 * this JVM's class path and the heap and collector Beacon's benchmark servers get ({@link ServerJvm}). Killed
 * with SIGKILL by their process handles, never by name.
 */
public final class SofaJraftCluster implements KvCluster {
    private static final String HOST = "127.0.0.1";
    private static final int NODES = 3;
    /** Where the peer's HTTP API keeps the keys (see sofajraft.KvHttpHandler). */
    static final String KV_PREFIX = "/kv/";
    /** How long {@link #leader()} waits for the nodes' status. */
    private static final long STATUS_TIMEOUT_MILLIS = 1000;
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final Pattern TERM = Pattern.compile("\"term\":(-?\\d+)");

    private final Path dir;
    private final Integer snapshotIntervalSecs;
    private final ServerJvm jvm;
    private final List<Integer> raftPorts = new ArrayList<>();
    private final List<Integer> httpPorts = new ArrayList<>();
    private final Process[] processes = new Process[NODES];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /** A cluster whose nodes keep SOFAJRaft's default snapshot interval, with its data and logs under dir. */
    public SofaJraftCluster(Path dir, ServerJvm jvm) throws IOException {
        this(dir, null, jvm);
    }

    /**
     * A cluster whose nodes take a snapshot every snapshotIntervalSecs (null: SOFAJRaft's default), so that a test
     * can see snapshots written and loaded; the benchmark keeps the default.
     */
    public SofaJraftCluster(Path dir, Integer snapshotIntervalSecs, ServerJvm jvm) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.snapshotIntervalSecs = snapshotIntervalSecs;
        this.jvm = jvm;
        List<Integer> ports = freePorts(2 * NODES);
        raftPorts.addAll(ports.subList(0, NODES));
        httpPorts.addAll(ports.subList(NODES, 2 * NODES));
    }

    @Override
    public String name() {
        return "sofajraft";
    }

    @Override
    public int size() {
        return NODES;
    }

    /** The HTTP port of node (its key-value API and /status). */
    public int httpPort(int node) {
        return httpPorts.get(node);
    }

    /** The directory that holds node's raft log, metadata and snapshots. */
    public Path dataDir(int node) {
        return dir.resolve("sofajraft-" + node);
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < NODES; i++) {
            launch(i);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        for (int i = 0; i < NODES; i++) {
            awaitAnswering(i, deadline);
        }
        while (System.nanoTime() < deadline) {
            int leader = leader();
            if (leader >= 0) {
                try (KvClient client = client(leader, 5000)) {
                    if (client.put("sofajraft-started", new byte[] {1})) {
                        return;
                    }
                } catch (IOException notYet) {
                    // the leader went away or timed out: ask again
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no SOFAJRaft leader acknowledged a write within " + START_TIMEOUT_MILLIS
                + " ms; see " + dir.resolve("sofajraft-N.log"));
    }

    /**
     * Asks every running node for its status at once; the one that says it leads, the one with the higher term if
     * two do (a deposed leader that has not heard of the new term yet). Nodes that do not answer within a second
     * are passed over.
     */
    @Override
    public int leader() {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            answers.add(isRunning(i) ? http.sendAsync(status(i), HttpResponse.BodyHandlers.ofString()) : null);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATUS_TIMEOUT_MILLIS);
        int leader = -1;
        long leaderTerm = Long.MIN_VALUE;
        for (int i = 0; i < NODES; i++) {
            if (answers.get(i) == null) {
                continue;
            }
            try {
                String body = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        .body();
                Matcher term = TERM.matcher(body);
                long t = term.find() ? Long.parseLong(term.group(1)) : -1;
                if (body.contains("\"leader\":true") && t > leaderTerm) {
                    leader = i;
                    leaderTerm = t;
                }
            } catch (Exception e) {
                answers.get(i).cancel(true);
            }
        }
        return leader;
    }

    @Override
    public void kill(int node) throws InterruptedException {
        Process process = processes[node];
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void restart(int node) throws Exception {
        if (isRunning(node)) {
            throw new IllegalStateException("node " + node + " is still running");
        }
        launch(node);
        awaitAnswering(node, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS));
    }

    @Override
    public long pid(int node) {
        return processes[node].pid();
    }

    @Override
    public List<Integer> peerPorts() {
        return List.copyOf(raftPorts);
    }

    @Override
    public KvClient client(int node, int timeoutMillis) {
        return new RestKvClient(HOST, httpPorts.get(node), KV_PREFIX, timeoutMillis);
    }

    /** Kills every running node; if interrupted, still kills the rest (without waiting) and keeps the interrupt. */
    @Override
    public void close() {
        boolean interrupted = false;
        for (int i = 0; i < NODES; i++) {
            if (!isRunning(i)) {
                continue;
            }
            if (interrupted) {
                processes[i].destroyForcibly();
                continue;
            }
            try {
                kill(i);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isRunning(int node) {
        return processes[node] != null && processes[node].isAlive();
    }

    private void launch(int node) throws IOException {
        List<String> peers = new ArrayList<>();
        for (int port : raftPorts) {
            peers.add(HOST + ":" + port);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvm.options());
        command.addAll(List.of(
                // jraft-core's classes were generated by protoc 3; protobuf-java 4 runs them but warns without this.
                "-Dcom.google.protobuf.use_unsafe_pre22_gencode",
                // Bolt's own logback set-up (sofa-common-tools 1.0.12) fails on logback 1.5 with a stack trace,
                // then logs through the application's logback anyway: go straight to that.
                "-Dlogback.middleware.log.disable=true",
                "-cp", System.getProperty("java.class.path"),
                SofaJraftServer.class.getName(),
                "--id", String.valueOf(node), "--peers", String.join(",", peers),
                "--http-port", String.valueOf(httpPorts.get(node)), "--data", dataDir(node).toString()));
        if (snapshotIntervalSecs != null) {
            command.addAll(List.of("--snapshot-interval-secs", String.valueOf(snapshotIntervalSecs)));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sofajraft-" + node + ".log").toFile()));
        // RocksDB extracts its 13 MB native library to a new file in java.io.tmpdir at each start, which a SIGKILL
        // leaves behind; given a directory it uses one fixed file there instead (one per node: no two processes
        // rewrite the same file).
        builder.environment().put("ROCKSDB_SHAREDLIB_DIR",
                Files.createDirectories(dataDir(node).resolve("native")).toString());
        processes[node] = builder.start();
    }

    /** Waits until node answers /status, or throws at the deadline or if the process exits. */
    private void awaitAnswering(int node, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            if (!isRunning(node)) {
                throw new IllegalStateException("SOFAJRaft node " + node + " exited with "
                        + processes[node].exitValue() + "; see " + dir.resolve("sofajraft-" + node + ".log"));
            }
            try {
                if (http.send(status(node), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("SOFAJRaft node " + node + " did not answer on port " + httpPorts.get(node));
    }

    private HttpRequest status(int node) {
        return HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPorts.get(node) + "/status"))
                .timeout(Duration.ofMillis(STATUS_TIMEOUT_MILLIS)).GET().build();
    }

    /** count distinct free ports on the host: all held open together while picked, so none is handed out twice. */
    private static List<Integer> freePorts(int count) throws IOException {
        InetAddress address = InetAddress.getByName(HOST);
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, address);
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
