// Owns: SIGSTOP of one node and its SIGCONT.
package io.beacon.testkit.nemesis;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SIGSTOP of a node (the leader half the time) — a long GC pause or a stalled VM — for longer than the election
 * timeout (at most 1 s: 20 ticks of 50 ms), so that the others elect a leader without it; SIGCONT at heal. A
 * paused leader that resumes must notice the higher term and follow.
 */
final class PauseFault implements Fault {
    /** Pauses last at least this long: beyond the longest election timeout, with margin. */
    static final Duration MINIMUM = Duration.ofMillis(1500);

    @Override
    public FaultType type() {
        return FaultType.PAUSE;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        Targets.Target target = Targets.leaderOrRandom(cluster, random);
        int node = target.node();
        cluster.pause(node);
        return new ActiveFault(type(), List.of(node), "SIGSTOP " + target.describe() + ", pid "
                + cluster.pid(node).orElse(-1), Targets.majorityRemains(cluster.size(), 1), () -> {
            cluster.resume(node);
            return "SIGCONT " + ClusterProcesses.name(node);
        }, (duration, ctx) -> ctx.sleep(duration.compareTo(MINIMUM) < 0 ? MINIMUM : duration));
    }
}
