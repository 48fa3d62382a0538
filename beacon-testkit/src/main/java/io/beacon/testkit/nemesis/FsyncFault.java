// Owns: making one node's fsyncs fail with libfiu, watching it stop by itself, and restarting it.
package io.beacon.testkit.nemesis;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Every fsync of a node (the leader half the time) fails with EIO, switched on in the running process with
 * {@code fiu-ctrl}. The node must stop by itself (fail-stop: after a failed fsync the kernel may have dropped the
 * dirty pages, so nothing may be reported durable): either its process exits, or its member stops and its health
 * endpoint says so. The fault notes which and how long it took — or that the node did not stop, which is a bug
 * unless it wrote nothing meanwhile. The heal kills what is left and starts a fresh process (no failure point
 * enabled) on the same data.
 */
final class FsyncFault implements Fault {
    /** How long to wait at most for the node to stop, whatever the fault's duration. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public FaultType type() {
        return FaultType.FSYNC;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        if (!cluster.options().fiu()) {
            throw new IllegalStateException("fsync faults need the servers started with libfiu preloaded "
                    + "(LaunchOptions.withFiu)");
        }
        Targets.Target target = Targets.leaderOrRandom(cluster, random);
        int node = target.node();
        long pid = cluster.pid(node).orElseThrow();
        FiuControl.enable(pid, FiuControl.SYNC_POINTS, FiuControl.EIO);
        long enabledAt = System.nanoTime();
        return new ActiveFault(type(), List.of(node), "fsync fails with EIO on " + target.describe() + " (fiu-ctrl -c "
                + "'enable name=" + FiuControl.SYNC_POINTS + ",failinfo=" + FiuControl.EIO + "' " + pid + ")",
                Targets.majorityRemains(cluster.size(), 1), () -> {
            cluster.kill(node);
            cluster.start(node);
            return "restarted " + ClusterProcesses.name(node) + " in a fresh process, fsync working, pid "
                    + cluster.pid(node).orElse(-1);
        }, (duration, ctx) -> {
            Duration watch = duration.compareTo(STOP_TIMEOUT) > 0 ? duration : STOP_TIMEOUT;
            String stopped = awaitStop(ctx, node, enabledAt, watch);
            ctx.note(type(), List.of(node), stopped, Targets.majorityRemains(cluster.size(), 1));
            long left = duration.toNanos() - (System.nanoTime() - enabledAt);
            if (left > 0) {
                ctx.sleep(Duration.ofNanos(left));
            }
        });
    }

    /**
     * Waits for the node's process to exit (a server whose member fail-stops ends its process, status 74); what it
     * saw, for a note.
     */
    private static String awaitStop(FaultContext context, int node, long since, Duration timeout) throws Exception {
        ClusterProcesses cluster = context.cluster();
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline && !context.stopping()) {
            OptionalInt exit = cluster.awaitExit(node, Duration.ofMillis(100));
            if (exit.isPresent()) {
                return String.format(Locale.ROOT, "%s stopped by itself %d ms after fsync began to fail: the process "
                                + "exited with status %d", ClusterProcesses.name(node), millisSince(since),
                        exit.getAsInt());
            }
        }
        return String.format(Locale.ROOT, "%s did NOT stop within %d ms of fsync failing (did it write nothing?)",
                ClusterProcesses.name(node), millisSince(since));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
