package io.beacon.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the benchmark starts the JVMs of the systems that run on one (Beacon and SOFAJRaft): the same fixed heap and
 * the same collector for both, so that neither gets a JVM the other does not.
 *
 * @param heap     -Xms and -Xmx, e.g. "1g"
 * @param parallel the parallel collector; otherwise the JVM's default, G1, as {@code bin/beacon} runs
 */
record ServerJvm(String heap, boolean parallel) {
    /** 256 MB parallel-collected heaps, as the benchmark ran before it could be chosen. */
    static final ServerJvm DEFAULT = new ServerJvm("256m", true);

    ServerJvm {
        if (!heap.matches("\\d+[kmgKMG]?")) {
            throw new IllegalArgumentException("heap '" + heap + "' is not a size such as 256m or 1g");
        }
    }

    /** From the benchmark's --heap and --collector options (parallel or g1). */
    static ServerJvm of(String heap, String collector) {
        return switch (collector.toLowerCase(Locale.ROOT)) {
            case "parallel" -> new ServerJvm(heap, true);
            case "g1" -> new ServerJvm(heap, false);
            default -> throw new IllegalArgumentException("collector '" + collector + "' is neither parallel nor g1");
        };
    }

    /** The JVM options that say it. */
    List<String> options() {
        List<String> options = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        if (parallel) {
            options.add("-XX:+UseParallelGC");
        }
        return options;
    }

    /** For the report: "256m heaps, parallel collector". */
    String description() {
        return heap + " heaps, " + (parallel ? "parallel" : "G1") + " collector";
    }
}
