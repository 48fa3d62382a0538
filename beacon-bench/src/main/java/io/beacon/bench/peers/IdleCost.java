package io.beacon.bench.peers;

import io.beacon.bench.ProcessStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an idle cluster costs: the bytes its nodes send each other per second, and the CPU they use. Bytes are
 * counted by the kernel: {@code ss -tin} gives every established TCP connection's bytes acknowledged and received,
 * and each connection between nodes is counted once, at the end that listens on a peer port. That is TCP payload
 * (what the system chose to send), without TCP/IP headers. CPU is user plus system time from
 * {@code /proc/PID/stat}, in per cent of one core, summed over the nodes.
 */
public final class IdleCost {
    /** Bytes per second between the nodes, and the nodes' CPU in per cent of one core (all nodes together). */
    public record Figures(double peerBytesPerSecond, double cpuPercentOfCore) {
    }

    private static final Pattern ACKED = Pattern.compile("bytes_acked:(\\d+)");
    private static final Pattern RECEIVED = Pattern.compile("bytes_received:(\\d+)");
    private static final Pattern LOCAL_PORT = Pattern.compile("^\\S+\\s+\\S+\\s+\\S*:(\\d+)\\s");

    private IdleCost() {
    }

    /** Measures the cluster over seconds, as it is (the caller leaves it idle). */
    public static Figures measure(KvCluster cluster, int seconds) throws Exception {
        List<Integer> ports = cluster.peerPorts();
        long bytesBefore = peerBytes(ports);
        long ticksBefore = cpuTicks(cluster);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long bytes = peerBytes(ports) - bytesBefore;
        long ticks = cpuTicks(cluster) - ticksBefore;
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Figures(bytes / elapsed, 100 * ticks / ProcessStats.CLOCK_TICKS_PER_SECOND / elapsed);
    }

    /** The bytes carried so far, both ways, by the established connections whose local port is one of ports. */
    static long peerBytes(List<Integer> ports) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tinH", "state", "established").redirectErrorStream(true).start();
        String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
            throw new IOException("ss -tin failed: " + output);
        }
        return sumOverPorts(output, ports);
    }

    /**
     * Sums acknowledged and received bytes in {@code ss -tinH} output (a line per socket, then an indented line
     * of its TCP details) over the sockets whose local port is one of ports.
     */
    static long sumOverPorts(String ssOutput, List<Integer> ports) {
        long total = 0;
        boolean counted = false;
        for (String line : ssOutput.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                Matcher local = LOCAL_PORT.matcher(line);
                counted = local.find() && ports.contains(Integer.parseInt(local.group(1)));
            } else if (counted) {
                total += number(ACKED, line) + number(RECEIVED, line);
            }
        }
        return total;
    }

    private static long number(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static long cpuTicks(KvCluster cluster) throws IOException {
        long ticks = 0;
        for (int node = 0; node < cluster.size(); node++) {
            ticks += ProcessStats.cpuTicks(cluster.pid(node));
        }
        return ticks;
    }
}
