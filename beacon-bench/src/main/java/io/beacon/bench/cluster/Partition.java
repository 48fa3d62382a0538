package io.beacon.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network partition that cuts one address off: iptables rules dropping every packet from it and every packet to
 * it, removed again by {@link #close()} (exactly those rules). On loopback each packet passes OUTPUT and then
 * INPUT, so rules in INPUT cut both directions of every connection, established ones included.
 *
 * <p>iptables rules belong to a network namespace. So that the benchmark never touches the machine's own network,
 * rules are only ever added in a namespace other than the one {@code bin/beacon-bench-cluster} was started in: the
 * script runs the benchmark under {@code unshare --net} and passes the outer namespace in
 * {@value #OUTER_NAMESPACE_VARIABLE}; {@link #requireOwnNetworkNamespace()} checks it.
 */
final class Partition implements AutoCloseable {
    /** The environment variable naming the network namespace the benchmark was started from (net:[inode]). */
    static final String OUTER_NAMESPACE_VARIABLE = "BEACON_BENCH_OUTER_NETNS";

    private final List<List<String>> rules = new ArrayList<>();

    private Partition() {
    }

    /**
     * Fails unless this process runs in a network namespace other than the one the script was started in (a
     * namespace of its own, whose rules vanish with it).
     */
    static void requireOwnNetworkNamespace() throws IOException {
        String outer = System.getenv(OUTER_NAMESPACE_VARIABLE);
        String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        if (outer == null || outer.isBlank() || outer.equals(own)) {
            throw new IllegalStateException("the partition benchmark adds iptables rules, so it runs only in a "
                    + "network namespace of its own (this process is in " + own + ", " + OUTER_NAMESPACE_VARIABLE
                    + " is " + outer + "): run it as bin/beacon-bench-cluster partition, which starts it under "
                    + "unshare --net");
        }
    }

    /** Drops every packet from or to address until closed; on a failure, removes what it added and throws. */
    static Partition isolate(String address) throws IOException, InterruptedException {
        Partition partition = new Partition();
        try {
            partition.drop("-s", address);
            partition.drop("-d", address);
        } catch (IOException | InterruptedException | RuntimeException e) {
            partition.close();
            throw e;
        }
        return partition;
    }

    private void drop(String direction, String address) throws IOException, InterruptedException {
        List<String> rule = List.of("INPUT", direction, address, "-j", "DROP");
        iptables("-I", rule);
        rules.add(rule);
    }

    /** Heals the partition: deletes the rules added, newest first. */
    @Override
    public void close() throws IOException, InterruptedException {
        while (!rules.isEmpty()) {
            iptables("-D", rules.get(rules.size() - 1));
            rules.remove(rules.size() - 1);
        }
    }

    /** Runs iptables with the command (-I, -D) on a rule; throws with its output unless it exits 0. */
    private static void iptables(String command, List<String> rule) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("iptables", "-w", command));
        arguments.addAll(rule);
        Process process;
        try {
            process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + String.join(" ", arguments) + " (is iptables installed? "
                    + "bin/beacon-bench-cluster installs it): " + e.getMessage(), e);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", arguments) + " did not finish within 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", arguments) + " failed with exit status " + process.exitValue()
                    + (output.isEmpty() ? "" : ": " + output));
        }
    }
}
