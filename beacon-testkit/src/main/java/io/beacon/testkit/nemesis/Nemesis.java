// Owns: the loop that applies one fault at a time, heals it and waits for the cluster to recover. Never two faults at
// once.
package io.beacon.testkit.nemesis;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a {@link FaultSchedule} against a cluster on a thread of its own: a quiet gap, then the next fault — start,
 * its duration (watched), heal — then a wait until the cluster has converged (every live node follows one leader
 * and has applied what it had committed), then the next quiet gap. So at most one fault is in force, and the
 * cluster has fully recovered before the next one: what a fault may do safely (e.g. {@link DiskFault} cutting a
 * node's fsynced log tail) relies on that.
 *
 * <p>Every start, heal and observation goes to the sink as a {@link FaultEvent}; so does a fault that could not be
 * applied (a NOTE with the error) and a cluster that does not converge (a NOTE every convergence timeout, while
 * the nemesis keeps waiting: it never piles a new fault on an unrecovered cluster). {@link #stop} heals the fault
 * in force and returns once the loop ended; it does not wait for convergence (the caller does, before its final
 * reads).
 */
public final class Nemesis implements AutoCloseable {
    /** The gap before each fault, and how long a convergence may take before a note says so. */
    public record Settings(Duration quietGap, Duration convergeTimeout) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    private final ClusterProcesses cluster;
    private final FaultSchedule schedule;
    private final Settings settings;
    private final FaultContext context;
    private final Map<FaultType, Fault> faults = new EnumMap<>(FaultType.class);
    private Thread thread;
    private volatile int applied;
    private volatile Throwable failure;

    /**
     * A nemesis for the schedule's fault types; fails at once if one of them cannot run with this cluster (clock
     * without libfaketime, fsync without libfiu, partition without a firewall).
     *
     * @param firewall      the firewall of our own network namespace, or null (then no partition faults)
     * @param sink          receives every fault event, from the nemesis thread
     * @param runStartNanos the {@code System.nanoTime()} at which the run started: event times count from it
     */
    public Nemesis(ClusterProcesses cluster, Firewall firewall, FaultSchedule schedule, Consumer<FaultEvent> sink,
                   long runStartNanos, Settings settings) {
        this.cluster = cluster;
        this.schedule = schedule;
        this.settings = settings;
        this.context = new FaultContext(cluster, firewall, sink, runStartNanos);
        for (FaultType type : schedule.types()) {
            faults.put(type, create(type));
            String missing = missing(type, cluster, firewall);
            if (missing != null) {
                throw new IllegalStateException("cannot inject " + type.label() + " faults: " + missing);
            }
        }
    }

    /** What this cluster lacks for faults of a type, or null if they can run. */
    public static String missing(FaultType type, ClusterProcesses cluster, Firewall firewall) {
        return switch (type) {
            case PARTITION -> firewall == null ? "no firewall of a network namespace of our own was given" : null;
            case CLOCK -> cluster.options().faketime() ? null : "the servers were not started under libfaketime";
            case FSYNC -> cluster.options().fiu() ? null : "the servers were not started with libfiu preloaded";
            default -> null;
        };
    }

    static Fault create(FaultType type) {
        return switch (type) {
            case KILL -> new KillFault();
            case PAUSE -> new PauseFault();
            case PARTITION -> new PartitionFault();
            case CLOCK -> new ClockFault();
            case FSYNC -> new FsyncFault();
            case DISK -> new DiskFault();
            case MEMBERSHIP -> new MembershipFault();
        };
    }

    /** Starts the loop; it ends by itself once runFor has passed (after healing), or on {@link #stop}. */
    public synchronized void start(Duration runFor) {
        if (thread != null) {
            throw new IllegalStateException("this nemesis was already started");
        }
        long end = System.nanoTime() + runFor.toNanos();
        thread = new Thread(() -> run(end), "nemesis");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the loop to end, heal the fault in force, and waits for it (up to a minute). */
    public void stop() throws InterruptedException {
        context.requestStop();
        awaitFinished(Duration.ofMinutes(1));
    }

    /** Waits for the loop to end; false if it has not within the timeout. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running == null) {
            return true;
        }
        running.join(timeout.toMillis());
        return !running.isAlive();
    }

    /** How many faults were applied so far. */
    public int faultsApplied() {
        return applied;
    }

    /** What ended the loop early (an error healing a fault), or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void run(long end) {
        try {
            while (!context.stopping() && System.nanoTime() < end) {
                if (!context.sleep(settings.quietGap()) || System.nanoTime() >= end) {
                    break;
                }
                FaultSchedule.PlannedFault planned = schedule.next();
                Duration duration = Duration.ofNanos(Math.min(planned.duration().toNanos(), Math.max(0,
                        end - System.nanoTime())));
                runOne(planned, duration);
                awaitRecovery(planned.type());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            context.emit(FaultContext.NEMESIS, FaultEvent.Phase.NOTE, List.of(), "the nemesis stopped early: " + e,
                    false);
        }
    }

    /** Applies, watches and heals one fault. A fault that cannot be applied is noted and skipped. */
    private void runOne(FaultSchedule.PlannedFault planned, Duration duration) throws Exception {
        FaultType type = planned.type();
        ActiveFault active;
        try {
            active = faults.get(type).start(context, new SplittableRandom(planned.seed()));
        } catch (Exception e) {
            context.note(type, List.of(), "fault " + planned.number() + " could not be applied: " + e, true);
            return;
        }
        applied++;
        context.emit(type, FaultEvent.Phase.START, active.nodes(), active.detail(), active.tolerated());
        try {
            active.observe(duration, context);
        } catch (Exception e) {
            context.note(type, active.nodes(), "watching the fault failed: " + e, active.tolerated());
        } finally {
            boolean interrupted = Thread.interrupted();
            String healed = active.heal();
            context.emit(type, FaultEvent.Phase.END, active.nodes(), healed, true);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the cluster converged, noting each timeout; gives up only when asked to stop. */
    private void awaitRecovery(FaultType after) throws InterruptedException {
        while (!context.stopping()) {
            try {
                cluster.awaitConverged(settings.convergeTimeout());
                return;
            } catch (ClusterProcesses.NotConvergedException e) {
                context.note(after, List.of(), "after the heal: " + e.getMessage() + "; still waiting", false);
            }
        }
    }
}
