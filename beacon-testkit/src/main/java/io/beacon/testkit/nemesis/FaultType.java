// Owns: the names of the nemesis's fault types and parsing a --faults list.
package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The kinds of fault a nemesis injects; {@link #label()} is the name in {@code --faults} and {@link FaultEvent}. */
public enum FaultType {
    /** kill -9 a node (random, or the leader); restart it with its data at heal. */
    KILL,
    /** SIGSTOP a node beyond the election timeout; SIGCONT at heal. */
    PAUSE,
    /** iptables cuts between nodes: isolate one or the leader, majority/minority, one-way, majorities ring. */
    PARTITION,
    /** libfaketime: step a node's clock, or make it run fast or slow; true time again at heal. */
    CLOCK,
    /** libfiu: a node's fsyncs fail with EIO; it must stop by itself; restarted at heal. */
    FSYNC,
    /** While a node is down: truncate its log's tail or flip a byte; it must recover or refuse to start. */
    DISK,
    /** Remove a follower, wipe it and add it back as a new member; or transfer leadership. */
    MEMBERSHIP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code all} or a comma-separated list of labels ({@code kill,pause}); duplicates are dropped. */
    public static List<FaultType> parseList(String text) {
        if (text.trim().equalsIgnoreCase("all")) {
            return List.of(values());
        }
        List<FaultType> types = new ArrayList<>();
        for (String part : text.split(",")) {
            String label = part.trim().toLowerCase(Locale.ROOT);
            FaultType type = Arrays.stream(values()).filter(t -> t.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + part.trim() + "': use all or "
                            + "a comma-separated list of " + Arrays.stream(values()).map(FaultType::label).toList()));
            if (!types.contains(type)) {
                types.add(type);
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no fault named in '" + text + "'");
        }
        return List.copyOf(types);
    }
}
