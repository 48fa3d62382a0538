// Owns: stepping one node's wall clock through its libfaketime file, and putting it back.
package io.beacon.testkit.nemesis;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A node's wall clock (the leader's half the time — its clock stamps the leases) steps 1 to 60 s forward or back,
 * as an NTP step would; the heal steps it back to true time. The monotonic clock, which the Raft timers read, is
 * not touched (see {@link LaunchOptions#faketime()} for why, and why there is no rate skew). A majority stays up
 * and connected: tolerated.
 */
final class ClockFault implements Fault {
    @Override
    public FaultType type() {
        return FaultType.CLOCK;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        Targets.Target target = Targets.leaderOrRandom(cluster, random);
        int node = target.node();
        FaketimeClock clock = cluster.clock(node).orElseThrow(() -> new IllegalStateException("clock faults need "
                + "the servers started under libfaketime (LaunchOptions.withFaketime)"));
        int seconds = 1 + random.nextInt(60);
        double step = random.nextBoolean() ? seconds : -seconds;
        clock.step(step);
        String what = String.format(Locale.ROOT, "stepped the wall clock of %s by %+.0f s (file '%s')",
                target.describe(), step, clock.specification());
        return new ActiveFault(type(), List.of(node), what, true, () -> {
            double skew = clock.skewSeconds();
            clock.reset();
            return String.format(Locale.ROOT, "wall clock of %s back to true time (it was %+.0f s off)",
                    ClusterProcesses.name(node), skew);
        });
    }
}
