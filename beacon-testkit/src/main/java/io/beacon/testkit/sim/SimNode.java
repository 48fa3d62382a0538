package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.ProposalRejectedException;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.ReadState;
import io.beacon.raft.Ready;
import io.beacon.raft.message.Message;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * One simulated server: a {@link RaftNode} with the runtime around it — its disk, its state machine, its
 * pending client requests — as beacon-node will run it, but on virtual time. It can be crashed (losing all
 * memory and unsynced writes), restarted from its disk, paused and resumed.
 */
final class SimNode {
    /** What the node needs from the simulated world. */
    interface World {
        long now();

        void schedule(long delay, Runnable action);

        void send(SimNode from, Message message);

        void respond(long fromNode, ClientOperation operation, ClientResponse response);

        long diskLatency();

        long nextSeed();

        Sabotage sabotage();

        ClusterInvariants invariants();
    }

    private record PendingProposal(long term, ClientOperation operation) {
    }

    private record PendingRead(long index, ClientOperation operation) {
    }

    private final long id;
    private final RaftConfig baseConfig;
    private final World world;
    private final SimDisk disk = new SimDisk();
    private RaftNode raft;
    private KvStateMachine stateMachine;
    private long appliedIndex;
    /** Bumped by every crash, so timers and disk completions of an earlier life do nothing. */
    private int generation;
    private boolean paused;
    private long pausedAt;
    private long tickMicros;
    private final List<Runnable> deferredWhilePaused = new ArrayList<>();
    private double clockRate = 1.0;
    private final TreeMap<Long, PendingProposal> proposals = new TreeMap<>();
    private final TreeMap<Long, ClientOperation> readsAwaitingIndex = new TreeMap<>();
    private final List<PendingRead> readsAwaitingApply = new ArrayList<>();
    /** Readys handed to the disk whose completion the node has not yet taken in. */
    private int readysAwaitingAdvance;

    SimNode(long id, RaftConfig baseConfig, World world) {
        this.id = id;
        this.baseConfig = baseConfig;
        this.world = world;
    }

    long id() {
        return id;
    }

    RaftConfig config() {
        return baseConfig;
    }

    RaftNode raft() {
        return raft;
    }

    SimDisk disk() {
        return disk;
    }

    KvStateMachine stateMachine() {
        return stateMachine;
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
        this.clockRate = rate;
    }

    // -----------------------------------------------------------------------------------------------------
    // Life cycle

    /** Starts (or restarts) the node from what its disk holds. */
    void start(long tickMicros) {
        this.tickMicros = tickMicros;
        raft = new RaftNode(baseConfig.withRandomSeed(world.nextSeed()), disk.hardState(), disk.entries(), 0);
        stateMachine = new KvStateMachine();
        appliedIndex = 0;
        paused = false;
        world.invariants().onStart(this);
        scheduleTick(tickMicros, generation);
    }

    void crash(java.util.SplittableRandom random) {
        if (raft == null) {
            return;
        }
        generation++;
        raft = null;
        stateMachine = null;
        paused = false;
        deferredWhilePaused.clear();
        proposals.clear();
        readsAwaitingIndex.clear();
        readsAwaitingApply.clear();
        readysAwaitingAdvance = 0;
        disk.crash(random);
        if (world.sabotage() == Sabotage.FORGETFUL_DISK) {
            disk.forgetDurableTail(1 + random.nextInt(3));
        }
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
            action.run();
        }
        if (!ticksFirst && raft != null && !paused) {
            catchUpTicks();
        }
    }

    private void catchUpTicks() {
        long missed = Math.round((world.now() - pausedAt) * clockRate / tickMicros);
        for (long i = 0; i < missed && raft != null; i++) {
            raft.tick();
        }
        process();
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
        int life = generation;
        whenRunning(() -> {
            if (life == generation) {
                raft.step(message);
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
        if (operation.kind() == ClientOperation.Kind.READ) {
            readsAwaitingIndex.put(operation.id(), operation);
            raft.readIndex(operation.id());
            return;
        }
        try {
            long index = raft.propose(operation.command().encode());
            PendingProposal replaced = proposals.put(index, new PendingProposal(raft.term(), operation));
            if (replaced != null) {
                // Our log dropped that entry when it took this one: it can never commit.
                world.respond(id, replaced.operation(), new ClientResponse.Failed("entry replaced"));
            }
        } catch (ProposalRejectedException e) {
            world.respond(id, operation, e.reason() == ProposalRejectedException.Reason.NOT_LEADER
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
            apply(ready.committedEntries());
            for (ReadState readState : ready.readStates()) {
                onReadState(readState);
            }
            persist(ready);
        }
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
            Ready done = disk.completeNext();
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
            if (entry.type() != EntryType.COMMAND) {
                continue;
            }
            KvCommand command = KvCommand.decode(entry.data());
            boolean swapped = stateMachine.apply(command);
            PendingProposal proposal = proposals.remove(entry.index());
            if (proposal != null) {
                if (proposal.term() == entry.term()) {
                    world.invariants().onAcknowledged(proposal.operation(), entry);
                    world.respond(id, proposal.operation(), new ClientResponse.Applied(swapped));
                } else {
                    world.respond(id, proposal.operation(), new ClientResponse.Failed("entry replaced"));
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
            world.respond(id, operation, new ClientResponse.Failed("read not confirmed"));
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
                world.respond(id, read.operation(), new ClientResponse.ReadValue(stateMachine.read(read.operation().key())));
            }
        }
    }
}
