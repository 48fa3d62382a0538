package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.ProposalRejectedException;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.ReadState;
import io.beacon.raft.Ready;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotRead;
import io.beacon.raft.message.Message;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * One simulated server: a {@link RaftNode} with the runtime around it — its disk, its workload's application, its
 * snapshots, its pending client requests, its clock — as beacon-node will run it, but on virtual time. It can be
 * crashed (losing all memory and unsynced writes), restarted from its disk, paused and resumed, or wiped: then it
 * comes back as a new incarnation, a member id the cluster has never seen.
 *
 * <p>Member ids are {@code slot * 1000 + incarnation}; the slot is the server's place on the network.
 */
final class SimNode implements SimApplication.Host {
    /** What the node needs from the simulated world. */
    interface World {
        long now();

        void schedule(long delay, Runnable action);

        void send(SimNode from, Message message);

        void respond(long fromNode, ClientOperation operation, ClientResponse response);

        long diskLatency();

        /**
         * How long the node's next snapshot takes to write, in microseconds (0: at once). The runtime writes a
         * snapshot from a frozen state beside the apply thread and tells the core when it is on disk, so entries
         * are applied, snapshots installed and the node crashed in between.
         */
        long snapshotWriteTime();

        long nextSeed();

        Sabotage sabotage();

        ClusterInvariants invariants();

        /** The voters of the cluster's first configuration (empty for a server that joins later). */
        List<Long> initialVoters(SimNode node);

        /** The workload's application for a node's new life. */
        SimApplication newApplication();

        /** An id for an operation a node issues on its own, distinct from every client operation's. */
        long nextInternalOperationId();
    }

    static final long INCARNATIONS = 1000;
    /** Every node's clock reads this at virtual time 0 (a date in November 2023). */
    static final long CLOCK_EPOCH_MILLIS = 1_700_000_000_000L;

    private record PendingProposal(long term, ClientOperation operation) {
    }

    private record PendingRead(long index, ClientOperation operation) {
    }

    private final long slot;
    private long incarnation = 1;
    private final RaftConfig baseConfig;
    private final World world;
    private final SimDisk disk = new SimDisk();
    private final SimSnapshots snapshots = new SimSnapshots();
    /** The configuration the current life started with. */
    private RaftConfig startConfig;
    /** Whether this incarnation ever ran (so a crash of it is followed by a restart). */
    private boolean started;
    private RaftNode raft;
    private SimApplication application;
    private long appliedIndex;
    /** Bumped by every crash, so timers and disk completions of an earlier life do nothing. */
    private int generation;
    private boolean paused;
    private long pausedAt;
    private long tickMicros;
    private final List<Runnable> deferredWhilePaused = new ArrayList<>();
    /** A snapshot is being written; its write ends in this life of the node or never. */
    private boolean writingSnapshot;
    private double clockRate = 1.0;
    /** The machine's clock, which runs on across crashes: it read clockBaseMicros at virtual time clockBaseAt. */
    private long clockBaseAt;
    private double clockBaseMicros;
    private final TreeMap<Long, PendingProposal> proposals = new TreeMap<>();
    private final TreeMap<Long, ClientOperation> readsAwaitingIndex = new TreeMap<>();
    private final List<PendingRead> readsAwaitingApply = new ArrayList<>();
    /** Readys handed to the disk whose completion the node has not yet taken in. */
    private int readysAwaitingAdvance;

    /** A server in this network slot; baseConfig's id and voters are replaced for each incarnation. */
    SimNode(long slot, RaftConfig baseConfig, World world) {
        this.slot = slot;
        this.baseConfig = baseConfig;
        this.world = world;
    }

    long slot() {
        return slot;
    }

    /** The member id of this server's current incarnation. */
    long id() {
        return slot * INCARNATIONS + incarnation;
    }

    static long slotOf(long memberId) {
        return memberId / INCARNATIONS;
    }

    RaftConfig config() {
        return baseConfig;
    }

    RaftConfig startConfig() {
        return startConfig;
    }

    RaftNode raft() {
        return raft;
    }

    SimDisk disk() {
        return disk;
    }

    SimApplication application() {
        return application;
    }

    boolean hasStarted() {
        return started;
    }

    /** Whether the disk holds anything of this incarnation. */
    boolean hasData() {
        return disk.hardState().term() > 0 || disk.snapshot() != null || !disk.persistentState().entries().isEmpty();
    }

    boolean isUp() {
        return raft != null;
    }

    boolean isPaused() {
        return paused;
    }

    /** Up and not paused: it processes events. */
    boolean isRunning() {
        return raft != null && !paused;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    void setClockRate(double rate) {
        clockBaseMicros = clockMicros();
        clockBaseAt = world.now();
        this.clockRate = rate;
    }

    private double clockMicros() {
        return clockBaseMicros + (world.now() - clockBaseAt) * clockRate;
    }

    @Override
    public long clockMillis() {
        return CLOCK_EPOCH_MILLIS + (long) (clockMicros() / 1000);
    }

    @Override
    public boolean leading() {
        return raft != null && raft.leaderId() == id();
    }

    @Override
    public long leaderId() {
        return raft == null ? 0 : raft.leaderId();
    }

    @Override
    public long term() {
        return raft == null ? 0 : raft.term();
    }

    @Override
    public Sabotage sabotage() {
        return world.sabotage();
    }

    /** A command of the node's own: a new operation id, no client to answer; dropped unless this node leads. */
    @Override
    public long propose(byte[] payload) {
        long operationId = world.nextInternalOperationId();
        world.invariants().onIssued(operationId);
        try {
            raft.propose(OperationEnvelope.wrap(operationId, payload));
            return operationId;
        } catch (ProposalRejectedException e) {
            // As the server does: the transition is proposed again later if it is still due.
            return 0;
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Life cycle

    /** Starts (or restarts) the node from what its disk holds. */
    void start(long tickMicros) {
        this.tickMicros = tickMicros;
        RaftConfig config = baseConfig.withMember(id(), world.initialVoters(this)).withRandomSeed(world.nextSeed());
        startConfig = config;
        started = true;
        raft = new RaftNode(config, disk.persistentState());
        snapshots.clear();
        application = world.newApplication();
        if (disk.snapshot() != null) {
            application.restore(disk.snapshotData(), disk.snapshot().index());
            snapshots.keep(disk.snapshot().index(), disk.snapshotData());
        }
        appliedIndex = application.appliedIndex();
        paused = false;
        world.invariants().onStart(this);
        // A bootstrapping node persists and applies its first configuration at once.
        process();
        scheduleTick(tickMicros, generation);
    }

    void crash(java.util.SplittableRandom random) {
        if (raft == null) {
            return;
        }
        generation++;
        raft = null;
        application = null;
        paused = false;
        deferredWhilePaused.clear();
        proposals.clear();
        readsAwaitingIndex.clear();
        readsAwaitingApply.clear();
        readysAwaitingAdvance = 0;
        writingSnapshot = false;
        disk.crash(random, world.invariants().committedChain());
        if (world.sabotage() == Sabotage.FORGETFUL_DISK) {
            disk.forgetDurableTail(1 + random.nextInt(3));
        }
    }

    /** Shuts the server down for good (until it is started again on purpose): healing does not restart it. */
    void retire(java.util.SplittableRandom random) {
        crash(random);
        started = false;
    }

    /** Kills the server and deletes its data: it can only come back as a new incarnation. */
    void wipe(java.util.SplittableRandom random) {
        crash(random);
        world.invariants().onWiped(this);
        disk.wipe();
        incarnation++;
        started = false;
    }

    void pause() {
        if (raft != null && !paused) {
            paused = true;
            pausedAt = world.now();
        }
    }

    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        // The ticks missed while stopped are delivered at once, as a runtime that measures time with a
        // monotonic clock does. Lease reads need them before any input that waited (the runtime's contract);
        // otherwise the order is left to chance, so a stale leader may serve what waited before it notices.
        boolean ticksFirst = baseConfig.leaseTicks() > 0 || (world.nextSeed() & 1) == 0;
        if (ticksFirst) {
            catchUpTicks();
        }
        List<Runnable> deferred = new ArrayList<>(deferredWhilePaused);
        deferredWhilePaused.clear();
        for (Runnable action : deferred) {
            // Each input that waited is an event of its own: the checks run after every one.
            action.run();
            world.invariants().afterEvent();
        }
        if (!ticksFirst && raft != null && !paused) {
            catchUpTicks();
        }
    }

    private void catchUpTicks() {
        long missed = Math.round((world.now() - pausedAt) * clockRate / tickMicros);
        for (long i = 0; i < missed && raft != null; i++) {
            raft.tick();
            process();
            world.invariants().afterEvent();
        }
    }

    private void scheduleTick(long tickMicros, int life) {
        long interval = Math.max(1, Math.round(tickMicros / clockRate));
        world.schedule(interval, () -> {
            if (life != generation || raft == null) {
                return;
            }
            if (!paused) {
                raft.tick();
                process();
                application.tick(this);
                process();
            }
            scheduleTick(tickMicros, life);
        });
    }

    /** Runs an action now, or when the node resumes if it is paused; drops it if the node is down. */
    private void whenRunning(Runnable action) {
        if (raft == null) {
            return;
        }
        if (paused) {
            deferredWhilePaused.add(action);
        } else {
            action.run();
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Inputs

    void receive(Message message) {
        if (message.to() != id()) {
            return;
        }
        int life = generation;
        whenRunning(() -> {
            if (life == generation) {
                raft.step(message);
                process();
            }
        });
    }

    /** The runtime saw its connection with that member reset (the member's process died). */
    void connectionLost(long memberId) {
        int life = generation;
        whenRunning(() -> {
            if (life == generation) {
                raft.connectionLost(memberId);
                process();
            }
        });
    }

    void request(ClientOperation operation) {
        int life = generation;
        whenRunning(() -> {
            if (life == generation) {
                handleRequest(operation);
                process();
            }
        });
    }

    private void handleRequest(ClientOperation operation) {
        if (operation.kind() == ClientOperation.Kind.READ && world.sabotage() == Sabotage.STALE_READS) {
            world.respond(slot, operation, application.read(operation));
            return;
        }
        if (operation.kind() == ClientOperation.Kind.READ) {
            readsAwaitingIndex.put(operation.id(), operation);
            raft.readIndex(operation.id());
            return;
        }
        if (operation.kind() == ClientOperation.Kind.BEAT) {
            world.respond(slot, operation, application.beat(operation, this));
            return;
        }
        try {
            long index = raft.propose(application.command(operation, clockMillis()));
            PendingProposal replaced = proposals.put(index, new PendingProposal(raft.term(), operation));
            if (replaced != null) {
                // Our log dropped that entry when it took this one: it can never commit.
                world.respond(slot, replaced.operation(), new ClientResponse.Failed("entry replaced"));
            }
        } catch (ProposalRejectedException e) {
            world.respond(slot, operation, e.reason() == ProposalRejectedException.Reason.NOT_LEADER
                    ? new ClientResponse.Redirect(e.leaderHint()) : new ClientResponse.Failed(e.getMessage()));
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // The runtime loop

    /** Drains the node's Readys: send, persist (asynchronously), apply, answer reads. */
    void process() {
        while (raft != null && !paused && raft.hasReady()) {
            Ready ready = raft.ready();
            world.invariants().onLogWritten(this, ready.entries());
            for (Message message : ready.messages()) {
                world.send(this, message);
            }
            if (world.sabotage() == Sabotage.ACKNOWLEDGE_BEFORE_PERSIST) {
                for (Message message : ready.messagesAfterPersist()) {
                    world.send(this, message);
                }
            }
            for (SnapshotChunk chunk : ready.snapshotChunks()) {
                receiveChunk(chunk);
            }
            apply(ready.committedEntries());
            for (ReadState readState : ready.readStates()) {
                onReadState(readState);
            }
            for (SnapshotRead read : ready.snapshotReads()) {
                byte[] chunk = snapshots.read(read);
                raft.snapshotChunk(read, chunk, chunk != null && snapshots.endsSnapshot(read, chunk));
            }
            if (ready.snapshotDue()) {
                takeSnapshot();
            }
            persist(ready);
        }
    }

    /**
     * Serializes the state machine as of its applied index, then — at once or after a while, as a snapshot being
     * written beside the apply thread — makes it durable and lets the core compact. One is written at a time.
     */
    void takeSnapshot() {
        if (raft == null || writingSnapshot || appliedIndex <= raft.snapshot().index()) {
            return;
        }
        byte[] data = world.sabotage() == Sabotage.CORRUPT_SNAPSHOT ? application.snapshotMissingSomething()
                : application.snapshot();
        long index = appliedIndex;
        world.invariants().onSnapshotTaken(this, index, data);
        long writeTime = world.snapshotWriteTime();
        if (writeTime == 0) {
            snapshotWritten(index, data);
            return;
        }
        writingSnapshot = true;
        int life = generation;
        world.schedule(writeTime, () -> whenRunning(() -> {
            if (life == generation) {
                writingSnapshot = false;
                snapshotWritten(index, data);
                process();
            }
        }));
    }

    private void snapshotWritten(long index, byte[] data) {
        raft.snapshotTaken(index);
        if (raft.snapshot().index() != index) {
            // Superseded by a snapshot installed from the leader while this one was being written.
            return;
        }
        world.invariants().onSnapshotRecorded(this, raft.snapshot());
        disk.saveSnapshot(raft.snapshot(), data, world.invariants().committedChain());
        snapshots.keep(index, data);
    }

    private void receiveChunk(SnapshotChunk chunk) {
        byte[] whole = snapshots.receive(chunk);
        if (whole == null) {
            return;
        }
        // The last chunk: the application restarts from the snapshot before anything after it is applied.
        application.restore(whole, chunk.metadata().index());
        // Proposals it covers will never be applied here one by one: say that their outcome is unknown.
        var covered = proposals.headMap(chunk.metadata().index(), true);
        for (PendingProposal proposal : covered.values()) {
            world.respond(slot, proposal.operation(), new ClientResponse.Unknown("arrived inside a snapshot"));
        }
        covered.clear();
        appliedIndex = chunk.metadata().index();
        world.invariants().onSnapshotInstalled(this, chunk.metadata(), application.stateHash());
    }

    private void persist(Ready ready) {
        if (!ready.mustPersist() && readysAwaitingAdvance == 0) {
            finishPersist(ready);
            return;
        }
        readysAwaitingAdvance++;
        int life = generation;
        long completion = disk.submit(ready, world.now(), ready.mustPersist() ? world.diskLatency() : 0);
        world.schedule(completion - world.now(), () -> {
            if (life != generation) {
                return;
            }
            // The write is durable now even if the process is paused; the process learns of it on resume.
            Ready done = disk.completeNext(world.invariants().committedChain());
            whenRunning(() -> {
                if (life == generation) {
                    readysAwaitingAdvance--;
                    finishPersist(done);
                    process();
                }
            });
        });
    }

    private void finishPersist(Ready ready) {
        if (world.sabotage() != Sabotage.ACKNOWLEDGE_BEFORE_PERSIST) {
            for (Message message : ready.messagesAfterPersist()) {
                world.send(this, message);
            }
        }
        raft.advance(ready);
    }

    private void apply(List<Entry> committed) {
        for (Entry entry : committed) {
            world.invariants().onApply(this, entry);
            appliedIndex = entry.index();
            ClientResponse answer = application.apply(entry);
            world.invariants().onApplied(this, entry.index(), application.stateHash());
            PendingProposal proposal = proposals.remove(entry.index());
            if (proposal != null) {
                // A new leader's no-op or configuration may take the proposal's place: that is a replacement too.
                if (answer != null && proposal.term() == entry.term()) {
                    if (answer instanceof ClientResponse.Applied) {
                        world.invariants().onAcknowledged(proposal.operation(), entry);
                    }
                    world.respond(slot, proposal.operation(), answer);
                } else {
                    world.respond(slot, proposal.operation(), new ClientResponse.Failed("entry replaced"));
                }
            }
        }
        serveReads();
    }

    private void onReadState(ReadState readState) {
        ClientOperation operation = readsAwaitingIndex.remove(readState.context());
        if (operation == null) {
            return;
        }
        if (!readState.granted()) {
            world.respond(slot, operation, new ClientResponse.Failed("read not confirmed"));
            return;
        }
        readsAwaitingApply.add(new PendingRead(readState.readIndex(), operation));
        serveReads();
    }

    private void serveReads() {
        for (Iterator<PendingRead> it = readsAwaitingApply.iterator(); it.hasNext(); ) {
            PendingRead read = it.next();
            if (read.index() <= appliedIndex) {
                it.remove();
                world.respond(slot, read.operation(), application.read(read.operation()));
            }
        }
    }
}
