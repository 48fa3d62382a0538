// Owns: the server JVMs of a nemesis run — launching, killing, pausing and asking them for their status. Signals only
// processes it started, by pid; never by name.
package io.beacon.testkit.nemesis;

import io.beacon.server.BeaconMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The servers of a nemesis cluster, each a separate JVM started from this JVM's own classpath
 * ({@code BeaconMain start}), each with its own data directory {@code OUT/data/nI}. Node {@code i} (0-based) is
 * called {@code nI} in file names. A node's output (stdout and stderr) is appended to {@code OUT/nodes/nI.log}
 * across restarts, after a marker line per start, so one file tells a node's whole life.
 *
 * <p>Node states: running, paused (SIGSTOP), or down (killed, exited, or never started). A server whose member
 * failed (fail-stop after a failed fsync) may still run its process; {@link #status} then gets no answer.
 *
 * <p>Everything this class starts it stops again in {@link #close()} (paused ones are resumed first), by pid.
 */
public final class ClusterProcesses implements AutoCloseable {
    /** How long one status request may take; a paused or cut-off server costs this much. */
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(1000);
    /** The servers' beacon.snapshot.entries: a tenth of the default, as the nemesis ran before it was raised. */
    private static final int SNAPSHOT_ENTRIES = 10_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final ClusterLayout layout;
    private final LaunchOptions options;
    private final Path out;
    private final Path noConfig;
    private final Node[] nodes;

    private ClusterProcesses(ClusterLayout layout, LaunchOptions options, Path out) throws IOException {
        this.layout = layout;
        this.options = options;
        this.out = out;
        this.noConfig = out.resolve("no-conf");
        Files.createDirectories(noConfig);
        Files.createDirectories(out.resolve("nodes"));
        Files.createDirectories(out.resolve("data"));
        this.nodes = new Node[layout.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new Node(i);
            if (options.faketime()) {
                nodes[i].clock = new FaketimeClock(out.resolve("nodes").resolve(name(i) + ".faketime"));
            }
        }
    }

    /** A cluster of servers laid out as given, writing under out; none started yet. */
    public static ClusterProcesses create(ClusterLayout layout, LaunchOptions options, Path out) throws IOException {
        if (options.fiu() && !LaunchOptions.fiuAvailable()) {
            throw new IllegalStateException("fsync faults need libfiu: apt-get install -y fiu-utils (missing "
                    + LaunchOptions.LIBFIU + " or " + FiuControl.FIU_CTRL + ")");
        }
        if (options.faketime() && !LaunchOptions.faketimeAvailable()) {
            throw new IllegalStateException("clock faults need libfaketime: apt-get install -y faketime (missing "
                    + LaunchOptions.LIBFAKETIME + ")");
        }
        return new ClusterProcesses(layout, options, out);
    }

    public int size() {
        return nodes.length;
    }

    public ClusterLayout layout() {
        return layout;
    }

    public LaunchOptions options() {
        return options;
    }

    /** The node's name in files and messages: n0, n1, ... */
    public static String name(int node) {
        return "n" + node;
    }

    public URI uri(int node) {
        return URI.create("http://" + layout.address(node));
    }

    public Path dataDirectory(int node) {
        return out.resolve("data").resolve(name(node));
    }

    public Path logFile(int node) {
        return out.resolve("nodes").resolve(name(node) + ".log");
    }

    /** The node's fake clock, if the servers run under libfaketime. */
    public Optional<FaketimeClock> clock(int node) {
        return Optional.ofNullable(nodes[node].clock);
    }

    /** Starts every node, then waits until they agree on a leader. */
    public void startAll(Duration timeout) throws IOException, InterruptedException {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        awaitLeader(timeout);
    }

    /**
     * Starts the node with its data directory as it is (a restart keeps its data). A node whose data was wiped
     * ({@link #wipe}) starts with {@code --join}: a new incarnation that waits to be added.
     */
    public synchronized void start(int node) throws IOException {
        Node n = nodes[node];
        if (n.process != null && n.process.isAlive()) {
            throw new IllegalStateException(name(node) + " is already running as pid " + n.process.pid());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx" + options.heap(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Snapshots far more often than the default, so that faults meet compaction and snapshot
                // installs in a run of minutes.
                "-Dbeacon.snapshot.entries=" + SNAPSHOT_ENTRIES, "-cp", System.getProperty("java.class.path"),
                BeaconMain.class.getName(), "start",
                "--host", layout.host(node), "--port", String.valueOf(layout.httpPort(node)),
                "--cluster", layout.clusterArgument(), "--data", dataDirectory(node).toString(),
                "--secret", options.secret(), "--config", noConfig.toString()));
        if (n.joining) {
            command.add("--join");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(node).toFile()));
        List<String> preload = new ArrayList<>();
        if (options.fiu()) {
            // What fiu-run -x sets up, done here so that it composes with libfaketime in one LD_PRELOAD.
            LaunchOptions.LIBFIU.forEach(library -> preload.add(library.toString()));
            builder.environment().put("FIU_ENABLE", "");
            builder.environment().put("FIU_CTRL_FIFO", FiuControl.FIFO_PREFIX);
        }
        if (n.clock != null) {
            n.clock.reset();
            preload.add(LaunchOptions.LIBFAKETIME.toString());
            builder.environment().put("FAKETIME_TIMESTAMP_FILE", n.clock.file().toString());
            builder.environment().put("FAKETIME_NO_CACHE", "1");
            // See LaunchOptions#faketime: without these two the JVM hangs or spins.
            builder.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            builder.environment().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
        }
        if (!preload.isEmpty()) {
            builder.environment().put("LD_PRELOAD", String.join(" ", preload));
        }
        n.starts++;
        Files.writeString(logFile(node), String.format("%n==== nemesis: start %d of %s at %s (%s)%s%s%n", n.starts,
                        name(node), Instant.now(), layout.address(node), n.joining ? ", joining with --join" : "",
                        preload.isEmpty() ? "" : ", LD_PRELOAD=" + String.join(" ", preload)),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        n.process = builder.start();
        n.paused = false;
    }

    /** SIGKILL, and waits (up to 10 s) until the process is gone. A paused node dies too. */
    public synchronized void kill(int node) throws InterruptedException {
        Process process = nodes[node].process;
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name(node) + " (pid " + process.pid() + ") did not die within 10 s of "
                    + "SIGKILL");
        }
        nodes[node].paused = false;
    }

    /** kill -9, then start again with the same data. */
    public void restart(int node) throws IOException, InterruptedException {
        kill(node);
        start(node);
    }

    /** SIGSTOP: the process stays, but runs nothing (a long GC pause, a VM stall) until {@link #resume}. */
    public synchronized void pause(int node) throws IOException, InterruptedException {
        Process process = requireAlive(node);
        signal(process, "STOP");
        nodes[node].paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    public synchronized void resume(int node) throws IOException, InterruptedException {
        Node n = nodes[node];
        if (n.process != null && n.paused) {
            signal(n.process, "CONT");
            n.paused = false;
        }
    }

    /** Whether the node's process runs (paused or not). */
    public boolean isAlive(int node) {
        Process process = nodes[node].process;
        return process != null && process.isAlive();
    }

    public boolean isPaused(int node) {
        return nodes[node].paused && isAlive(node);
    }

    /** Running and not paused: the nodes expected to take part. */
    public boolean isLive(int node) {
        return isAlive(node) && !nodes[node].paused;
    }

    public OptionalLong pid(int node) {
        Process process = nodes[node].process;
        return process == null || !process.isAlive() ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** Waits for the node's process to end by itself; its exit status, or empty if it still runs then. */
    public OptionalInt awaitExit(int node, Duration timeout) throws InterruptedException {
        Process process = nodes[node].process;
        if (process == null) {
            throw new IllegalStateException(name(node) + " was never started");
        }
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /**
     * Deletes the node's data directory (the node must be down); its next start joins as a new incarnation
     * ({@code --join}), to be added to the cluster with {@code POST /beacon/v1/members}.
     */
    public synchronized void wipe(int node) throws IOException {
        if (isAlive(node)) {
            throw new IllegalStateException("cannot wipe the data of " + name(node) + ": it is running");
        }
        deleteRecursively(dataDirectory(node));
        nodes[node].joining = true;
    }

    /**
     * Whether the node's process runs with libfiu preloaded (every process does when the options say so; a fresh
     * process has no failure point enabled).
     */
    public boolean runsUnderFiu(int node) {
        return options.fiu() && isAlive(node);
    }

    /** The node's status, or empty if it does not answer within a second (down, paused, cut off, stopped). */
    public Optional<NodeStatus> status(int node) {
        if (!isLive(node)) {
            return Optional.empty();
        }
        try {
            return statusAsync(node).get(STATUS_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Every live node's status, asked at once; nodes that do not answer are absent. */
    public Map<Integer, NodeStatus> statuses() {
        Map<Integer, CompletableFuture<Optional<NodeStatus>>> asked = new LinkedHashMap<>();
        for (int i = 0; i < size(); i++) {
            if (isLive(i)) {
                asked.put(i, statusAsync(i));
            }
        }
        Map<Integer, NodeStatus> answers = new LinkedHashMap<>();
        asked.forEach((node, answer) -> {
            try {
                answer.get(STATUS_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).ifPresent(s -> answers.put(node, s));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // no answer
            }
        });
        return answers;
    }

    private CompletableFuture<Optional<NodeStatus>> statusAsync(int node) {
        HttpRequest request = HttpRequest.newBuilder(uri(node).resolve("/beacon/v1/cluster")).timeout(STATUS_TIMEOUT)
                .GET().build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null || response.statusCode() != 200) {
                return Optional.empty();
            }
            try {
                return Optional.of(NodeStatus.parse(response.body()));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The node that leads, by the live nodes' own word: the one that says it is leader with the highest term (an
     * old leader cut off from the others may still think it leads, in a lower term). Empty if none does.
     */
    public OptionalInt leader() {
        return leaderAmong(statuses());
    }

    private static OptionalInt leaderAmong(Map<Integer, NodeStatus> statuses) {
        return statuses.entrySet().stream().filter(entry -> entry.getValue().isLeader())
                .max(Comparator.comparingLong(entry -> entry.getValue().term()))
                .map(entry -> OptionalInt.of(entry.getKey())).orElse(OptionalInt.empty());
    }

    /** Waits until some node leads; its index. */
    public int awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, NodeStatus> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = statuses();
            OptionalInt leader = leaderAmong(last);
            if (leader.isPresent()) {
                return leader.getAsInt();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no node leads after " + timeout.toMillis() + " ms: " + describe(last));
    }

    /** The node (index) whose current incarnation has this member id, among the answers given. */
    public static OptionalInt nodeOfMember(long memberId, Map<Integer, NodeStatus> statuses) {
        return statuses.entrySet().stream().filter(entry -> entry.getValue().memberId() == memberId)
                .mapToInt(Map.Entry::getKey).findFirst();
    }

    /**
     * Waits until the cluster has converged: every live node answers, all of them name the same leader in the
     * same term, that leader is one of them and says it leads, and each has applied at least what the leader had
     * committed when agreement was first seen. Throws {@link NotConvergedException} with every node's last answer
     * if that does not happen within timeout.
     */
    public Map<Integer, NodeStatus> awaitConverged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long target = -1;
        Map<Integer, NodeStatus> last = Map.of();
        while (true) {
            last = statuses();
            String problem = convergenceProblem(last);
            if (problem == null) {
                NodeStatus leader = last.get(leaderAmong(last).getAsInt());
                if (target < 0) {
                    target = leader.commitIndex();
                }
                long goal = target;
                if (last.values().stream().allMatch(status -> status.appliedIndex() >= goal)) {
                    return last;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new NotConvergedException("the cluster did not converge within " + timeout.toMillis()
                        + " ms (" + (problem != null ? problem : "not every node applied index " + target) + "): "
                        + describe(last));
            }
            Thread.sleep(100);
        }
    }

    /** Why these statuses are not one agreed cluster, or null if they are. */
    private String convergenceProblem(Map<Integer, NodeStatus> statuses) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (isLive(i)) {
                live.add(i);
            }
        }
        if (live.isEmpty()) {
            return "no node is running";
        }
        if (!statuses.keySet().containsAll(live)) {
            List<Integer> silent = new ArrayList<>(live);
            silent.removeAll(statuses.keySet());
            return "no answer from " + silent.stream().map(ClusterProcesses::name).toList();
        }
        OptionalInt leader = leaderAmong(statuses);
        if (leader.isEmpty()) {
            return "no node leads";
        }
        NodeStatus leading = statuses.get(leader.getAsInt());
        for (NodeStatus status : statuses.values()) {
            if (status.leader() != leading.memberId() || status.term() != leading.term()) {
                return "not every node follows " + name(leader.getAsInt()) + " in term " + leading.term();
            }
        }
        return null;
    }

    /** Every node's state and last answer, for messages. */
    public String describe(Map<Integer, NodeStatus> statuses) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            String state = !isAlive(i) ? "down" : isPaused(i) ? "paused" : statuses.containsKey(i)
                    ? statuses.get(i).summary() : "no answer";
            parts.add(name(i) + " [" + state + "]");
        }
        return String.join(", ", parts);
    }

    /** The last lines of the node's log (for messages). */
    public List<String> logTail(int node, int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(node), StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(cannot read " + logFile(node) + ": " + e.getMessage() + ")");
        }
    }

    /** The lines the node logged since its latest start marker. */
    public List<String> logSinceLastStart(int node) {
        try {
            List<String> all = Files.readAllLines(logFile(node), StandardCharsets.UTF_8);
            int from = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i).startsWith("==== nemesis: start ")) {
                    from = i + 1;
                    break;
                }
            }
            return List.copyOf(all.subList(from, all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile(node), e);
        }
    }

    /** Resumes paused nodes, then kills every process this cluster started. */
    @Override
    public synchronized void close() throws InterruptedException {
        for (int i = 0; i < size(); i++) {
            try {
                resume(i);
            } catch (IOException e) {
                // killed below anyway
            }
        }
        for (int i = 0; i < size(); i++) {
            kill(i);
        }
    }

    private Process requireAlive(int node) {
        Process process = nodes[node].process;
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name(node) + " is not running");
        }
        return process;
    }

    /** Sends a signal (STOP, CONT) to one process by its pid with kill(1). */
    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true)
                .start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed: " + output);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** One node's process and what the cluster knows of it. */
    private static final class Node {
        final int index;
        Process process;
        boolean paused;
        boolean joining;
        int starts;
        FaketimeClock clock;

        Node(int index) {
            this.index = index;
        }
    }

    /** The cluster did not settle within the time given. */
    public static final class NotConvergedException extends IllegalStateException {
        public NotConvergedException(String message) {
            super(message);
        }
    }
}
