package io.beacon.bench.peers;

import io.etcd.jetcd.Client;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

/**
 * Three etcd 3.4 members on 127.0.0.1, each an {@code etcd} process (the binary found on PATH) with free client and
 * peer ports, its data in {@code <dir>/etcd-N} and its output in {@code <dir>/etcd-N.log}. Heartbeat, election
 * timeout and fsync are etcd's defaults. Its clients speak either gRPC through jetcd ({@link #grpc(Path)}) or JSON
 * through etcd's HTTP gateway ({@link #http(Path)}); the cluster is the same for both.
 */
public final class EtcdCluster implements KvCluster {
    /** How the cluster's {@link KvClient}s talk to etcd. */
    private enum Protocol {
        GRPC("etcd (gRPC)"),
        HTTP("etcd (HTTP gateway)");

        final String reportName;

        Protocol(String reportName) {
            this.reportName = reportName;
        }
    }

    private static final int SIZE = 3;
    /** How long {@link #leader()} waits for the members' status answers, all asked at once. */
    private static final long STATUS_TIMEOUT_MILLIS = 800;
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(STATUS_TIMEOUT_MILLIS)).build();

    private final Protocol protocol;
    private final Path dir;
    private final List<EtcdMember> members = new ArrayList<>();
    private final String initialCluster;
    private final String token = "beacon-bench-" + UUID.randomUUID();
    /** Each member's jetcd client, made at its first use and replaced when the member restarts. */
    private final AtomicReferenceArray<Client> grpcClients = new AtomicReferenceArray<>(SIZE);

    private EtcdCluster(Protocol protocol, Path dir) throws IOException {
        this.protocol = protocol;
        this.dir = dir;
        Path binary = binary().orElseThrow(() -> new IOException("no etcd executable on PATH"));
        Files.createDirectories(dir);
        List<Integer> ports = freePorts(2 * SIZE);
        for (int i = 0; i < SIZE; i++) {
            members.add(new EtcdMember(binary, "etcd-" + i, ports.get(2 * i), ports.get(2 * i + 1),
                    dir.resolve("etcd-" + i), dir.resolve("etcd-" + i + ".log")));
        }
        this.initialCluster = members.stream().map(EtcdMember::clusterEntry).collect(Collectors.joining(","));
    }

    /** A cluster in dir whose clients use gRPC (jetcd), named "etcd (gRPC)". */
    public static EtcdCluster grpc(Path dir) throws IOException {
        return new EtcdCluster(Protocol.GRPC, dir);
    }

    /** A cluster in dir whose clients use the HTTP/JSON gateway, named "etcd (HTTP gateway)". */
    public static EtcdCluster http(Path dir) throws IOException {
        return new EtcdCluster(Protocol.HTTP, dir);
    }

    /** The {@code etcd} executable in the first directory on PATH that has one. */
    public static Optional<Path> binary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return protocol.reportName;
    }

    @Override
    public int size() {
        return SIZE;
    }

    /** The directory the members' data and logs are in. */
    public Path dir() {
        return dir;
    }

    /** The port on which the member at index serves clients (gRPC and the HTTP gateway alike). */
    public int clientPort(int node) {
        return members.get(node).clientPort();
    }

    @Override
    public void start() throws Exception {
        for (EtcdMember member : members) {
            member.start(initialCluster, token);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < SIZE; i++) {
                if (!members.get(i).isAlive()) {
                    throw new IllegalStateException("etcd-" + i + " exited while starting; see "
                            + dir.resolve("etcd-" + i + ".log"));
                }
            }
            int leader = leader();
            if (leader >= 0) {
                try (KvClient client = client(leader, 2000)) {
                    if (client.put("beacon-bench-started", token.getBytes(StandardCharsets.UTF_8))) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
            }
            Thread.sleep(50);
        }
        IllegalStateException failure = new IllegalStateException("no leader acknowledged a write within "
                + START_TIMEOUT_MILLIS + " ms; see the logs in " + dir);
        if (last != null) {
            failure.addSuppressed(last);
        }
        throw failure;
    }

    /**
     * Asks every running member for its status at once (the gateway's {@code POST /v3/maintenance/status}) and
     * returns the one that says it leads; a member that does not answer within the status timeout is passed over,
     * and if two claim to lead (an old leader that has not yet heard of the new term) the higher term wins.
     */
    @Override
    public int leader() {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            answers.add(members.get(i).isAlive() ? HTTP.sendAsync(statusRequest(i),
                    HttpResponse.BodyHandlers.ofString()) : null);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATUS_TIMEOUT_MILLIS);
        int leader = -1;
        long leaderTerm = -1;
        for (int i = 0; i < SIZE; i++) {
            if (answers.get(i) == null) {
                continue;
            }
            try {
                HttpResponse<String> answer = answers.get(i).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                if (answer.statusCode() == 200) {
                    EtcdStatus status = EtcdStatus.parse(answer.body());
                    if (status.leads() && status.term() > leaderTerm) {
                        leader = i;
                        leaderTerm = status.term();
                    }
                }
            } catch (Exception notAnswering) {
                answers.get(i).cancel(true);
            }
        }
        return leader;
    }

    @Override
    public void kill(int node) throws InterruptedException {
        members.get(node).kill();
    }

    /**
     * Starts the member again on its data directory and waits until it answers a status request. Its jetcd client
     * is then made anew, so that its clients do not wait out the reconnection backoff the old channel built up
     * against the dead port.
     */
    @Override
    public void restart(int node) throws Exception {
        members.get(node).start(initialCluster, token);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (true) {
            try {
                if (HTTP.send(statusRequest(node), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !members.get(node).isAlive()) {
                throw new IllegalStateException("etcd-" + node + " did not answer after its restart; see "
                        + dir.resolve("etcd-" + node + ".log"));
            }
            Thread.sleep(20);
        }
        Client old = grpcClients.getAndSet(node, null);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public long pid(int node) {
        return members.get(node).pid();
    }

    @Override
    public List<Integer> peerPorts() {
        return members.stream().map(EtcdMember::peerPort).toList();
    }

    @Override
    public KvClient client(int node, int timeoutMillis) {
        return switch (protocol) {
            case GRPC -> new EtcdGrpcClient(() -> grpcClient(node), timeoutMillis);
            case HTTP -> new EtcdHttpClient(clientPort(node), timeoutMillis);
        };
    }

    /**
     * The member's shared jetcd client, made at the first call. It never retries (jetcd by default retries a
     * read twice on UNAVAILABLE, with 500 ms and more between attempts; a write it does not retry anyway) and does
     * not wait for the channel to be ready, so a request to a dead member fails at once instead of waiting out the
     * caller's timeout.
     */
    private Client grpcClient(int node) {
        Client client = grpcClients.get(node);
        if (client != null) {
            return client;
        }
        synchronized (grpcClients) {
            client = grpcClients.get(node);
            if (client == null) {
                client = Client.builder()
                        .endpoints("http://127.0.0.1:" + clientPort(node))
                        .retryMaxAttempts(0)
                        .waitForReady(false)
                        .connectTimeout(Duration.ofSeconds(1))
                        .build();
                grpcClients.set(node, client);
            }
            return client;
        }
    }

    /**
     * Closes the jetcd clients and kills every member. If interrupted while waiting for one to exit, it still kills
     * the others, and leaves the thread's interrupt flag set.
     */
    @Override
    public void close() {
        synchronized (grpcClients) {
            for (int i = 0; i < SIZE; i++) {
                Client client = grpcClients.getAndSet(i, null);
                if (client != null) {
                    client.close();
                }
            }
        }
        boolean interrupted = false;
        for (EtcdMember member : members) {
            try {
                member.kill();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest statusRequest(int node) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPort(node)
                        + "/v3/maintenance/status"))
                .timeout(Duration.ofMillis(STATUS_TIMEOUT_MILLIS))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
    }

    /** As many distinct ports as count that were free on 127.0.0.1 a moment ago (held open together while picked). */
    private static List<Integer> freePorts(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                probes.add(new ServerSocket(0, 1, loopback));
            }
            return probes.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket probe : probes) {
                probe.close();
            }
        }
    }
}
