// Owns: a fault in force — what it touches, whether the cluster should stay available, and how to undo it.
package io.beacon.testkit.nemesis;

import java.time.Duration;
import java.util.List;

/**
 * A fault that has been injected: the nodes it touches, what exactly was done, whether a majority stays up and
 * connected while it lasts ({@link FaultEvent#tolerated()}), and how to heal it. While it is in force the nemesis
 * calls {@link #observe}, which by default just waits; a fault whose effect must be watched (a node that should
 * stop by itself, one that should recover or refuse to start) overrides it and writes what it saw as notes.
 */
public class ActiveFault {
    /** Undoes a fault; says how, for the END event. */
    @FunctionalInterface
    public interface Healer {
        String heal() throws Exception;
    }

    /** Watches a fault while it is in force, for about the duration given; returns early if the run stops. */
    @FunctionalInterface
    public interface Observer {
        void observe(Duration duration, FaultContext context) throws Exception;
    }

    private final FaultType type;
    private final List<Integer> nodes;
    private final String detail;
    private final boolean tolerated;
    private final Healer healer;
    private final Observer observer;

    public ActiveFault(FaultType type, List<Integer> nodes, String detail, boolean tolerated, Healer healer) {
        this(type, nodes, detail, tolerated, healer, (duration, context) -> context.sleep(duration));
    }

    public ActiveFault(FaultType type, List<Integer> nodes, String detail, boolean tolerated, Healer healer,
                       Observer observer) {
        this.type = type;
        this.nodes = List.copyOf(nodes);
        this.detail = detail;
        this.tolerated = tolerated;
        this.healer = healer;
        this.observer = observer;
    }

    public FaultType type() {
        return type;
    }

    public List<Integer> nodes() {
        return nodes;
    }

    public String detail() {
        return detail;
    }

    public boolean tolerated() {
        return tolerated;
    }

    public void observe(Duration duration, FaultContext context) throws Exception {
        observer.observe(duration, context);
    }

    public String heal() throws Exception {
        return healer.heal();
    }
}
