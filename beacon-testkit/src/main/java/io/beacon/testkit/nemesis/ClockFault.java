// Owns: stepping or skewing one node's clock through its libfaketime file, and undoing it.
package io.beacon.testkit.nemesis;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A node's clock goes wrong (the leader half the time — its clock stamps the leases): a step of 1 to 60 s
 * forward or back, or a rate of ×0.5, ×0.7, ×1.5 or ×2 from now on. With only the wall clock faked (the
 * default, see {@link LaunchOptions#fakeMonotonic()}) the heal puts the clock back to true time at once, as NTP
 * stepping a clock would. With the monotonic clock faked as well, a clock must never go back: the fault then
 * steps only forward, and the heal only returns the rate to 1 — the node's clocks stay as far ahead or behind as
 * the fault left them, for the rest of the run.
 */
final class ClockFault implements Fault {
    static final double[] RATES = {0.5, 0.7, 1.5, 2.0};

    @Override
    public FaultType type() {
        return FaultType.CLOCK;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        boolean monotonicToo = cluster.options().fakeMonotonic();
        Targets.Target target = Targets.leaderOrRandom(cluster, random);
        int node = target.node();
        FaketimeClock clock = cluster.clock(node).orElseThrow(() -> new IllegalStateException("clock faults need "
                + "the servers started under libfaketime (LaunchOptions.withFaketime)"));
        String done;
        if (random.nextBoolean()) {
            int seconds = 1 + random.nextInt(60);
            double step = monotonicToo || random.nextBoolean() ? seconds : -seconds;
            clock.step(step);
            done = String.format(Locale.ROOT, "stepped the clock of %s by %+.0f s", target.describe(), step);
        } else {
            double rate = RATES[random.nextInt(RATES.length)];
            clock.setRate(rate);
            done = String.format(Locale.ROOT, "the clock of %s runs at x%.1f", target.describe(), rate);
        }
        String what = done + (monotonicToo ? " (wall and monotonic clock)" : " (wall clock only)") + "; file now '"
                + clock.specification() + "'";
        return new ActiveFault(type(), List.of(node), what, true, () -> {
            double skew = clock.skewSeconds();
            if (monotonicToo) {
                clock.setRate(1);
                return String.format(Locale.ROOT, "rate of %s back to x1, its clock stays %+.1f s off (a clock "
                        + "never goes back)", ClusterProcesses.name(node), skew);
            }
            clock.reset();
            return String.format(Locale.ROOT, "clock of %s back to true time (it was %+.1f s off)",
                    ClusterProcesses.name(node), skew);
        });
    }
}
