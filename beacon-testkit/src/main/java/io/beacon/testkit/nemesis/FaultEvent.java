package io.beacon.testkit.nemesis;

import java.util.List;
import java.util.Locale;

/**
 * One line of a nemesis run's fault timeline ({@code faults.jsonl}): a fault starting on some nodes, ending (healed),
 * or a note about it (e.g. a node that refused to start on a damaged log, with its message). {@code fault} is the
 * fault's name ({@code kill}, {@code pause}, {@code partition}, {@code clock}, {@code fsync}, {@code disk},
 * {@code membership}); {@code nodes} the node indexes it touches (0-based); {@code detail} says what exactly was
 * done; {@code tolerated} whether, while it lasts, a majority of the nodes stays up and connected (the cluster
 * should stay available). Times are as in {@link HistoryEvent}.
 */
public record FaultEvent(long time, String fault, Phase phase, List<Integer> nodes, String detail,
                         boolean tolerated) {

    public enum Phase {
        START, END, NOTE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FaultEvent {
        nodes = List.copyOf(nodes);
    }
}
