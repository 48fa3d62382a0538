package io.beacon.testkit.sim;

import io.beacon.raft.Checks;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Role;
import io.beacon.raft.message.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a whole cluster, its clients and a nemesis in one thread on virtual time, from one seed.
 *
 * <p>A run has three phases. Faults: clients work while the nemesis injects faults, for a number of events;
 * every event is followed by the safety checks of {@link ClusterInvariants}. Recovery: every fault is healed,
 * members whose data was wiped are swapped out, and the cluster must elect a leader within a bound, then serve
 * every new operation without a timeout; then the clients stop, and the workload may need a while to settle.
 * Verdict: the members must converge (same log, same state) and pass the workload's checks (its client history
 * must be linearizable).
 *
 * <p>The cluster starts with {@link SimulationOptions#nodes()} voters in server slots 1..n; two more slots hold
 * spare servers that membership changes may add.
 */
public final class Simulation implements SimNode.World {
    static final long TICK_MICROS = 50_000;
    private static final long SECOND = 1_000_000;
    /** After healing, a leader must be elected within this long. */
    static final long LEADER_BOUND_MICROS = 10 * SECOND;
    /** Long enough for operations started before healing to time out and new ones to run. */
    private static final long RECOVERY_LOAD_MICROS = SimClients.TIMEOUT_MICROS + 2 * SECOND;
    private static final long CONVERGENCE_BOUND_MICROS = 5 * SECOND;
    /** Caps the fault phase in virtual time however few events it has. */
    private static final long FAULT_PHASE_LIMIT_MICROS = 120 * SECOND;
    private static final int SPARE_SERVERS = 2;

    private final SimulationOptions options;
    private final Sabotage sabotage;
    private final EventQueue events = new EventQueue();
    private final SplittableRandom seeds;
    private final SplittableRandom diskRandom;
    private final SplittableRandom snapshotRandom;
    private final SimNetwork network;
    /** Every server slot, slot i at position i - 1. */
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<Long> initialVoters = new ArrayList<>();
    private final MembershipNemesis membership;
    private final ClusterInvariants invariants;
    private final SimWorkload workload;
    private final SimClients clients;
    private final Nemesis nemesis;
    private final List<String> timeline = new ArrayList<>();
    private long trace = 0x243F6A8885A308D3L;
    private long eventCount;
    private long lastInternalOperationId;

    private Simulation(SimulationOptions options, Sabotage sabotage) {
        this.options = options;
        this.sabotage = sabotage;
        SplittableRandom root = new SplittableRandom(options.seed());
        this.seeds = root.split();
        this.diskRandom = root.split();
        int slots = options.nodes() + SPARE_SERVERS;
        this.network = new SimNetwork(events, root.split(), slots);
        for (long slot = 1; slot <= options.nodes(); slot++) {
            initialVoters.add(slot * SimNode.INCARNATIONS + 1);
        }
        RaftConfig config = configVariant();
        for (long slot = 1; slot <= slots; slot++) {
            nodes.add(new SimNode(slot, config, this));
        }
        record("configuration " + describe(config));
        SplittableRandom clientRandom = root.split();
        this.workload = options.workload().create(clientRandom, options.clients(), events::now);
        this.invariants = new ClusterInvariants(nodes, workload::newApplication);
        this.clients = new SimClients(events, clientRandom, workload.clients(), this::memberSlots, invariants,
                (slot, operation) -> node(slot).request(operation), this::record);
        this.membership = new MembershipNemesis(root.split(), nodes, TICK_MICROS,
                !(config.preVote() && config.checkQuorum()), this::record);
        // A lease is only as safe as the clocks: with lease reads, tick rates stay within a few percent.
        boolean leases = options.leaseTicks() > 0;
        this.nemesis = new Nemesis(events, root.split(), nodes, network, options.faults(), TICK_MICROS,
                leases ? 0.95 : 0.5, leases ? 1.05 : 2.0, membership, this::record);
        // Split last, so that every other stream a seed gives stays what it was before snapshots took time.
        this.snapshotRandom = root.split();
    }

    /**
     * Safety must hold under every valid configuration, not only the defaults: each seed draws its own
     * (the same for every node). Small windows and batches expose ordering bugs that big batches hide;
     * turning pre-vote and check-quorum off exposes what they otherwise mask.
     */
    private RaftConfig configVariant() {
        SplittableRandom shared = new SplittableRandom(HashChain.mix(options.seed()));
        boolean lease = options.leaseTicks() > 0;
        int[] inflight = {1, 2, 8, 256};
        int[] batch = {1, 3, 64, 4096};
        RaftConfig config = RaftConfig.defaults(1, List.of())
                .withPreVote(shared.nextInt(5) != 0)
                .withCheckQuorum(lease || shared.nextInt(5) != 0)
                .withLeaseTicks(options.leaseTicks())
                .withFlowControl(inflight[shared.nextInt(inflight.length)], batch[shared.nextInt(batch.length)],
                        shared.nextBoolean() ? 1 << 20 : 128);
        if (options.faults().contains(Fault.SNAPSHOT)) {
            // Snapshots every few dozen entries, short tails and tiny chunks: followers often need a snapshot,
            // sent in many pieces.
            long[] every = {16, 64, 256};
            long[] tail = {0, 4, 32};
            int[] chunk = {8, 64, 1024};
            config = config.withSnapshots(every[shared.nextInt(every.length)], 1 << 20,
                    tail[shared.nextInt(tail.length)],
                    chunk[shared.nextInt(chunk.length)] * options.workload().snapshotChunkScale());
        }
        return config;
    }

    private static String describe(RaftConfig config) {
        return "preVote=" + config.preVote() + " checkQuorum=" + config.checkQuorum() + " leaseTicks="
                + config.leaseTicks() + " inflight=" + config.maxInflightMessages() + " batch="
                + config.maxEntriesPerMessage() + " bytes=" + config.maxBytesPerMessage() + " snapshotEvery="
                + config.snapshotEntries() + " tail=" + config.logTailEntries() + " chunk="
                + config.snapshotChunkBytes();
    }

    /** Runs one seed to its verdict. */
    public static SimulationResult run(SimulationOptions options) {
        return new Simulation(options, Sabotage.NONE).run();
    }

    /** Runs one seed with a deliberately broken runtime; only the simulator's own tests do this. */
    static SimulationResult runSabotaged(SimulationOptions options, Sabotage sabotage) {
        return new Simulation(options, sabotage).run();
    }

    private SimulationResult run() {
        String failure = null;
        try {
            execute();
        } catch (SimulationFailure | Checks.InvariantViolation e) {
            failure = e.getMessage();
        } catch (RuntimeException e) {
            StringBuilder where = new StringBuilder("unexpected ").append(e);
            StackTraceElement[] frames = e.getStackTrace();
            for (int i = 0; i < Math.min(6, frames.length); i++) {
                where.append("\n    at ").append(frames[i]);
            }
            failure = where.toString();
        }
        if (failure != null) {
            failure = String.format("at %.3fs after %d events: %s", events.now() / 1e6, eventCount, failure);
        }
        return new SimulationResult(options, failure, trace, eventCount, events.now(), workload.operations(),
                invariants.acknowledgedOperations(), invariants.committedIndex(), List.copyOf(timeline));
    }

    private void execute() {
        for (long slot = 1; slot <= options.nodes(); slot++) {
            node(slot).start(TICK_MICROS);
        }
        clients.start();
        nemesis.start();
        while (eventCount < options.steps() && events.nextTime() < FAULT_PHASE_LIMIT_MICROS) {
            step();
        }

        nemesis.stop();
        nemesis.healAll();
        long healedAt = events.now();
        // Members whose data was wiped are swapped out, one change at a time.
        long repairDeadline = healedAt + LEADER_BOUND_MICROS;
        while (!membership.repair() && events.nextTime() <= repairDeadline) {
            runUntil(events.now() + 200_000, () -> false);
        }
        runUntil(repairDeadline, this::hasStableLeader);
        if (!hasStableLeader()) {
            throw new SimulationFailure("no stable leader " + LEADER_BOUND_MICROS / SECOND + "s after healing: "
                    + describeNodes());
        }
        record("stable leader " + leader().id() + " of " + leader().raft().configuration());

        // Operations started now, with every fault healed, must all complete.
        clients.mark();
        runUntil(events.now() + RECOVERY_LOAD_MICROS, () -> false);
        clients.stop();
        runUntil(events.now() + SimClients.TIMEOUT_MICROS + SECOND, clients::idle);
        if (clients.timeoutsSinceMark() > 0 || clients.successesSinceMark() == 0) {
            throw new SimulationFailure("after healing, " + clients.timeoutsSinceMark() + " operations timed out and "
                    + clients.successesSinceMark() + " succeeded");
        }

        long settle = workload.settleMicros(clockSpreadMillis());
        if (settle > 0) {
            // A membership change still in flight (a learner catching up to take a voter's place, perhaps the
            // leader's) may legitimately unseat the leader when it completes: settle under the leader that remains.
            runUntil(events.now() + LEADER_BOUND_MICROS, this::hasSettledMembership);
            if (!hasSettledMembership()) {
                throw new SimulationFailure("no stable leader without a membership change in flight "
                        + LEADER_BOUND_MICROS / SECOND + "s after the clients stopped: " + describeNodes());
            }
            // From here, with every fault healed, nothing may unseat the leader: the workload's checks count on it.
            SimNode settling = leader();
            long term = settling.raft().term();
            record("settling for " + settle / 1000 + "ms");
            runUntil(events.now() + settle, () -> false);
            if (leader() != settling || settling.raft().term() != term) {
                throw new SimulationFailure("the leader changed while settling after healing (was " + settling.id()
                        + " in term " + term + "): " + describeNodes());
            }
        }

        runUntil(events.now() + CONVERGENCE_BOUND_MICROS, this::converged);
        if (!converged()) {
            throw new SimulationFailure("members did not converge: " + describeNodes());
        }
        invariants.checkAcknowledgedWritesCommitted();
        String verified = workload.verify(leader().application(), events.now());
        if (verified != null) {
            record(verified);
        }
    }

    /** How far apart the clocks of the running nodes are. */
    private long clockSpreadMillis() {
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (SimNode node : nodes) {
            if (node.isUp()) {
                earliest = Math.min(earliest, node.clockMillis());
                latest = Math.max(latest, node.clockMillis());
            }
        }
        return latest >= earliest ? latest - earliest : 0;
    }

    private void step() {
        if (!events.runNext()) {
            throw new SimulationFailure("the event queue ran dry");
        }
        eventCount++;
        trace = HashChain.mix(trace ^ events.now()) + eventCount;
        invariants.afterEvent();
    }

    private void runUntil(long deadline, java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean() && events.nextTime() <= deadline) {
            step();
        }
    }

    /**
     * A leader that every member of its configuration, running, follows in its term, with no membership change
     * under way (a leader that is removing itself would soon step down).
     */
    private boolean hasStableLeader() {
        SimNode leader = leader();
        if (leader == null || leader.raft().configuration().isJoint()
                || !leader.raft().configuration().voters().contains(leader.id())) {
            return false;
        }
        for (long member : leader.raft().configuration().members()) {
            SimNode node = node(SimNode.slotOf(member));
            if (!node.isRunning() || node.id() != member || node.raft().term() != leader.raft().term()
                    || node.raft().leaderId() != leader.id()) {
                return false;
            }
        }
        return true;
    }

    private boolean hasSettledMembership() {
        return hasStableLeader() && leader().raft().configuration().promotions().isEmpty();
    }

    private SimNode leader() {
        for (SimNode node : nodes) {
            if (node.isRunning() && node.raft().role() == Role.LEADER) {
                return node;
            }
        }
        return null;
    }

    /** The slots of the members, as the leader sees them; every running server while there is no leader. */
    private List<Long> memberSlots() {
        List<Long> slots = new ArrayList<>();
        SimNode leader = leader();
        if (leader != null) {
            for (long member : leader.raft().configuration().members()) {
                slots.add(SimNode.slotOf(member));
            }
        } else {
            for (SimNode node : nodes) {
                if (node.isUp()) {
                    slots.add(node.slot());
                }
            }
        }
        if (slots.isEmpty()) {
            slots.add(1L);
        }
        return slots;
    }

    /** Every member: same log, everything committed and applied, same state; no change in flight. */
    private boolean converged() {
        SimNode leader = leader();
        if (!hasStableLeader() || !leader.raft().configuration().promotions().isEmpty()) {
            return false;
        }
        long lastIndex = leader.raft().lastIndex();
        long hash = invariants.memoryLog(leader).hashAt(lastIndex);
        for (long member : leader.raft().configuration().members()) {
            SimNode node = node(SimNode.slotOf(member));
            RaftNode raft = node.raft();
            if (raft.lastIndex() != lastIndex || raft.commitIndex() != lastIndex || node.appliedIndex() != lastIndex
                    || invariants.memoryLog(node).hashAt(lastIndex) != hash
                    || !Arrays.equals(node.application().snapshot(), leader.application().snapshot())) {
                return false;
            }
        }
        return lastIndex == invariants.committedIndex();
    }

    private String describeNodes() {
        StringBuilder text = new StringBuilder();
        for (SimNode node : nodes) {
            if (!node.isUp()) {
                if (node.hasStarted()) {
                    text.append(" [node ").append(node.id()).append(" down]");
                }
                continue;
            }
            RaftNode raft = node.raft();
            text.append(" [node ").append(node.id()).append(' ').append(raft.role()).append(" term ")
                    .append(raft.term()).append(" leader ").append(raft.leaderId()).append(" last ")
                    .append(raft.lastIndex()).append(" commit ").append(raft.commitIndex())
                    .append(node.isPaused() ? " paused" : "").append(" config ").append(raft.configuration())
                    .append(']');
        }
        return text.toString().trim();
    }

    private void record(String fault) {
        timeline.add(String.format("%9.3fs %s", events.now() / 1e6, fault));
    }

    private SimNode node(long slot) {
        return nodes.get((int) slot - 1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // SimNode.World

    @Override
    public long now() {
        return events.now();
    }

    @Override
    public void schedule(long delay, Runnable action) {
        events.after(delay, action);
    }

    @Override
    public void send(SimNode from, Message message) {
        invariants.onSend(from, message);
        trace = HashChain.mix(trace + message.hashCode());
        network.send(message, delivered -> node(SimNode.slotOf(delivered.to())).receive(delivered));
    }

    @Override
    public void respond(long fromNode, ClientOperation operation, ClientResponse response) {
        clients.respond(fromNode, operation, response);
    }

    @Override
    public long diskLatency() {
        return 200 + diskRandom.nextLong(1_800);
    }

    /** Half of the snapshots are written at once, the others over up to four ticks. */
    @Override
    public long snapshotWriteTime() {
        return snapshotRandom.nextBoolean() ? 0 : 1 + snapshotRandom.nextLong(4 * TICK_MICROS);
    }

    @Override
    public long nextSeed() {
        return seeds.nextLong();
    }

    @Override
    public List<Long> initialVoters(SimNode node) {
        return initialVoters.contains(node.id()) ? initialVoters : List.of();
    }

    @Override
    public Sabotage sabotage() {
        return sabotage;
    }

    @Override
    public ClusterInvariants invariants() {
        return invariants;
    }

    @Override
    public SimApplication newApplication() {
        return workload.newApplication();
    }

    @Override
    public long nextInternalOperationId() {
        return --lastInternalOperationId;
    }
}
