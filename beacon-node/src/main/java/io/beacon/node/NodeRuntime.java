package io.beacon.node;

import io.beacon.raft.MembershipChange;
import io.beacon.raft.PersistentState;
import io.beacon.raft.ProposalRejectedException;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.RaftStatus;
import io.beacon.raft.ReadState;
import io.beacon.raft.Ready;
import io.beacon.raft.SnapshotRead;
import io.beacon.raft.StateMachine;
import io.beacon.raft.message.Message;
import io.beacon.storage.RaftStorage;
import io.beacon.transport.ForwardMessage;
import io.beacon.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one member: the {@link RaftNode}, owned by one thread that nothing else touches; ticks every
 * {@code tickMillis}; each Ready's messages to the transport at once (so the leader replicates while it writes
 * its own log), its writes to the storage thread (group commit), its acknowledgements and {@code advance} only once
 * those writes are durable, in order; committed entries, snapshot restores, reads and snapshots to the apply
 * thread. A failed write stops the member (fail-stop): every waiting caller gets {@link NodeStoppedException}.
 *
 * <p>A proposal made on a follower travels to the leader over the peer connection; the leader answers with the
 * index it gave the entry, ahead of the entry itself on the same connection, and the follower answers its caller
 * when it applies that index — so a caller may write through any member.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
    /** A write to storage slower than this is logged: nothing this member says after it leaves before it. */
    private static final long SLOW_STORAGE_MILLIS = 100;

    private final NodeOptions options;
    private final RaftStorage storage;
    private final RaftNode raft;
    private final PeerTransport transport;
    private final Proposals proposals = new Proposals();
    private final Applier applier;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread raftThread;
    private final ScheduledExecutorService ticker;
    private final ExecutorService snapshotReader;
    /** Readys in the order produced, with their write (null if nothing to write); advanced from the head. */
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<Long>> reads = new HashMap<>();
    private long nextReadContext = 1;
    /** Proposals sent to the leader and not answered yet, by request id (raft thread only). */
    private final Map<Long, Forwarded> forwards = new LinkedHashMap<>();
    private long nextForwardId = 1;
    private io.beacon.raft.Role loggedRole;
    private long loggedTerm = -1;
    private long loggedLeader = -1;
    private volatile Throwable failure;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private volatile boolean closed;
    /** The leader as of the last Ready, for threads other than the raft thread. */
    private volatile long knownLeader = RaftNode.NONE;
    private volatile java.util.function.BiConsumer<Long, byte[]> noteHandler = (from, body) -> { };
    private final java.util.concurrent.atomic.AtomicLong noteSequence = new java.util.concurrent.atomic.AtomicLong();

    private record Forwarded(long leader, CompletableFuture<Object> future) {
    }

    private record Outstanding(Ready ready, CompletableFuture<Long> persisted) {
        boolean done() {
            return persisted == null || persisted.isDone();
        }
    }

    private NodeRuntime(NodeOptions options, RaftStorage storage, RaftNode raft, StateMachine stateMachine,
                        PersistentState recovered) {
        this.options = options;
        this.storage = storage;
        this.raft = raft;
        this.applier = new Applier(stateMachine, storage, proposals, recovered.snapshot(),
                index -> post(() -> snapshotTaken(index)), this::fail);
        this.transport = new PeerTransport(options.transport(raft.id()), new PeerTransport.Listener() {
            @Override
            public void onMessage(Message message) {
                post(() -> raft.step(message));
            }

            @Override
            public void onForward(ForwardMessage message) {
                if (message instanceof ForwardMessage.Note note) {
                    noteHandler.accept(note.from(), note.body());
                } else {
                    post(() -> forwarded(message));
                }
            }

            @Override
            public void onPeerDisconnected(long memberId) {
                // Fast crash detection: a leader's dead process resets its connections at once.
                post(() -> {
                    if (memberId == raft.leaderId()) {
                        LOG.info("connection to the leader lost member={} leader={} term={}", raft.id(), memberId,
                                raft.term());
                    }
                    raft.connectionLost(memberId);
                    forwardsLost(forwarded -> forwarded.leader() == memberId, "the connection to the leader was lost");
                });
            }
        });
        this.raftThread = new Thread(this::run, "beacon-raft");
        this.raftThread.setDaemon(true);
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("beacon-tick"));
        this.snapshotReader = Executors.newSingleThreadExecutor(daemon("beacon-snapshot-read"));
        storage.onFailure(this::fail);
    }

    /**
     * Opens the member's storage (recovering it), restores its state machine from the newest snapshot and starts
     * accepting peers. Nothing runs until {@link #start()}; tell it where its peers are first.
     */
    public static NodeRuntime open(NodeOptions options, StateMachine stateMachine) throws IOException {
        RaftStorage storage = RaftStorage.open(options.dataDirectory(), options.storage(), options.newMemberId());
        try {
            PersistentState recovered = storage.recoveredState();
            if (recovered.snapshot() != null) {
                try (InputStream in = storage.openSnapshot(recovered.snapshot().index())) {
                    stateMachine.restoreSnapshot(in, recovered.snapshot().index());
                }
            }
            RaftConfig config = options.raft().withMember(storage.memberId(), options.initialVoters())
                    .withRandomSeed(new SecureRandom().nextLong());
            NodeRuntime runtime = new NodeRuntime(options, storage, new RaftNode(config, recovered), stateMachine,
                    recovered);
            try {
                runtime.transport.start();
            } catch (IOException | RuntimeException e) {
                runtime.transport.close();
                throw e;
            }
            return runtime;
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    public long memberId() {
        return raft.id();
    }

    /** Where peers reach this member. */
    public InetSocketAddress peerAddress() {
        return transport.localAddress();
    }

    /** Tells the member where another member listens. */
    public void addPeer(long memberId, InetSocketAddress address) {
        transport.addPeer(memberId, address);
    }

    /** Where to find members that were never added (see {@link PeerTransport#resolveAddressesWith}). */
    public void resolvePeersWith(java.util.function.LongFunction<InetSocketAddress> resolver) {
        transport.resolveAddressesWith(resolver);
    }

    /**
     * Where notes from other members go: called on a transport thread with the sender and the body; it must hand
     * the work on, never block.
     */
    public void onNote(java.util.function.BiConsumer<Long, byte[]> handler) {
        this.noteHandler = handler;
    }

    /**
     * Sends a one-way note to another member's application, outside the log, on the peer connection (authenticated,
     * in order with everything else sent to that member). False if it was dropped at once; it may also be lost later.
     */
    public boolean sendNote(long to, byte[] body) {
        return transport.send(new ForwardMessage.Note(raft.id(), to, noteSequence.incrementAndGet(), body));
    }

    /** The leader this member knew of when it last took a step; {@link RaftNode#NONE} if none. May be stale. */
    public long knownLeader() {
        return knownLeader;
    }

    /** Starts the raft and apply threads and the clock. */
    public void start() {
        applier.start();
        raftThread.start();
        post(() -> { });
        ticker.scheduleAtFixedRate(() -> post(raft::tick), options.tickMillis(), options.tickMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("member started member={} peerAddress={}", raft.id(), transport.localAddress());
    }

    /**
     * Proposes a command, on the leader or through it; the future completes with the state machine's result once it
     * is applied here, or fails with {@link NotLeaderException} (no leader is known, or the one asked no longer
     * leads), {@link NotAppliedException}, {@link OutcomeUnknownException} or another reason it was not applied.
     */
    public CompletableFuture<Object> propose(byte[] command) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        post(() -> {
            try {
                long index = raft.propose(command);
                proposals.add(index, raft.term(), future);
            } catch (ProposalRejectedException e) {
                if (e.reason() == ProposalRejectedException.Reason.NOT_LEADER && e.leaderHint() != RaftNode.NONE) {
                    forwardToLeader(e.leaderHint(), command, future);
                } else {
                    future.completeExceptionally(rejection(e));
                }
            }
        }, future);
        return future;
    }

    /**
     * A linearizable read (§6.4): completes with a read index once this member's state machine has applied it,
     * after which reading the state machine here reflects every write acknowledged before the call.
     */
    public CompletableFuture<Long> linearizableRead() {
        CompletableFuture<Long> future = new CompletableFuture<>();
        post(() -> {
            long context = nextReadContext++;
            reads.put(context, future);
            raft.readIndex(context);
        }, future);
        return future;
    }

    /** Starts a membership change on the leader; completes with the index of its configuration entry. */
    public CompletableFuture<Long> changeMembership(MembershipChange change) {
        return call(() -> raft.changeMembership(change));
    }

    /** Asks the leader to hand leadership to another voter. */
    public CompletableFuture<Long> transferLeadership(long to) {
        return call(() -> {
            raft.transferLeadership(to);
            return to;
        });
    }

    public CompletableFuture<RaftStatus> status() {
        return call(raft::status);
    }

    /** The first failure that stopped the member, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Completes with the failure that stopped the member, if one does (never, if the member is closed first). */
    public CompletableFuture<Throwable> failed() {
        return failed;
    }

    /** Stops the member: no more ticks or messages; writes already handed to the storage finish first. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        transport.close();
        inbox.add(() -> { });
        raftThread.join(10_000);
        applier.stop();
        snapshotReader.shutdownNow();
        storage.close();
        NodeStoppedException stopped = new NodeStoppedException("the member was closed", failure);
        proposals.failAll(stopped);
        failWaitingOnRaftThread(stopped);
        LOG.info("member stopped member={}", raft.id());
    }

    // ---- the raft thread ----

    private <T> CompletableFuture<T> call(Supplier<T> action) {
        CompletableFuture<T> future = new CompletableFuture<>();
        post(() -> {
            try {
                future.complete(action.get());
            } catch (ProposalRejectedException e) {
                future.completeExceptionally(rejection(e));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }, future);
        return future;
    }

    private void forwardToLeader(long leader, byte[] command, CompletableFuture<Object> future) {
        long requestId = nextForwardId++;
        if (transport.send(new ForwardMessage.Proposal(raft.id(), leader, requestId, command))) {
            forwards.put(requestId, new Forwarded(leader, future));
        } else {
            future.completeExceptionally(new NotLeaderException(leader));
        }
    }

    /** A proposal a follower forwarded (this member answers where it put it, or why not), or such an answer. */
    private void forwarded(ForwardMessage message) {
        if (message instanceof ForwardMessage.Proposal proposal) {
            ForwardMessage answer;
            try {
                long index = raft.propose(proposal.command());
                answer = new ForwardMessage.Accepted(raft.id(), proposal.from(), proposal.requestId(), index,
                        raft.term());
            } catch (ProposalRejectedException e) {
                // Never forwarded again: a member that no longer leads says who does, and the follower's caller
                // hears it.
                answer = new ForwardMessage.Refused(raft.id(), proposal.from(), proposal.requestId(),
                        e.reason().name(), e.leaderHint());
            }
            // Sent now, before this turn's Ready sends the entry to the same peer on the same connection.
            transport.send(answer);
            return;
        }
        Forwarded waiting = forwards.remove(message.requestId());
        if (waiting == null) {
            return; // already answered as unknown
        }
        if (message instanceof ForwardMessage.Accepted accepted) {
            proposals.add(accepted.index(), accepted.term(), waiting.future());
        } else if (message instanceof ForwardMessage.Refused refused) {
            waiting.future().completeExceptionally(refusal(refused));
        }
    }

    private RuntimeException refusal(ForwardMessage.Refused refused) {
        for (ProposalRejectedException.Reason reason : ProposalRejectedException.Reason.values()) {
            if (reason.name().equals(refused.reason())) {
                return rejection(new ProposalRejectedException(reason, refused.leaderHint()));
            }
        }
        return new IllegalStateException("the leader refused the proposal: " + refused.reason());
    }

    /** Answers the forwarded proposals the predicate picks as unknown: their answer can no longer arrive. */
    private void forwardsLost(java.util.function.Predicate<Forwarded> lost, String why) {
        for (Iterator<Forwarded> it = forwards.values().iterator(); it.hasNext(); ) {
            Forwarded forwarded = it.next();
            if (lost.test(forwarded)) {
                it.remove();
                forwarded.future().completeExceptionally(new OutcomeUnknownException(
                        "outcome unknown: " + why + " before it answered where it put the command"));
            }
        }
    }

    private RuntimeException rejection(ProposalRejectedException e) {
        return e.reason() == ProposalRejectedException.Reason.NOT_LEADER ? new NotLeaderException(e.leaderHint()) : e;
    }

    private void post(Runnable event) {
        if (!closed && failure == null) {
            inbox.add(event);
        }
    }

    private void post(Runnable event, CompletableFuture<?> caller) {
        if (closed || failure != null) {
            caller.completeExceptionally(new NodeStoppedException("the member is stopped", failure));
            return;
        }
        inbox.add(event);
    }

    private void run() {
        try {
            while (!closed && failure == null) {
                Runnable event = inbox.take();
                event.run();
                Runnable more;
                int batch = 0;
                while (batch++ < 1024 && (more = inbox.poll()) != null) {
                    more.run();
                }
                processReadys();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            LOG.error("raft thread failed: the member stops", e);
            fail(e);
        } finally {
            failWaitingOnRaftThread(new NodeStoppedException("the member is stopped", failure));
        }
    }

    /** Fails the reads and forwarded proposals the raft thread was waiting on (once it has ended). */
    private void failWaitingOnRaftThread(NodeStoppedException stopped) {
        reads.values().forEach(future -> future.completeExceptionally(stopped));
        reads.clear();
        forwards.values().forEach(forwarded -> forwarded.future().completeExceptionally(stopped));
        forwards.clear();
    }

    private void processReadys() {
        logRoleChange();
        while (raft.hasReady()) {
            Ready ready = raft.ready();
            for (Message message : ready.messages()) {
                transport.send(message);
            }
            long handedToStorage = System.nanoTime();
            CompletableFuture<Long> persisted = ready.mustPersist() ? storage.write(ready) : null;
            if (ready.installedSnapshot() != null) {
                applier.submit(new Applier.Restore(ready.installedSnapshot(), persisted));
            }
            if (!ready.committedEntries().isEmpty()) {
                applier.submit(new Applier.Apply(ready.committedEntries()));
            }
            for (ReadState readState : ready.readStates()) {
                CompletableFuture<Long> read = reads.remove(readState.context());
                if (read == null) {
                    continue;
                }
                if (readState.granted()) {
                    applier.submit(new Applier.Read(readState.readIndex(), read));
                } else {
                    read.completeExceptionally(new NotLeaderException(raft.leaderId()));
                }
            }
            for (SnapshotRead read : ready.snapshotReads()) {
                snapshotReader.execute(() -> readSnapshotChunk(read));
            }
            if (ready.snapshotDue()) {
                applier.submit(new Applier.TakeSnapshot());
            }
            outstanding.add(new Outstanding(ready, persisted));
            if (persisted != null) {
                int entries = ready.entries().size();
                persisted.whenComplete((index, error) -> {
                    long millis = (System.nanoTime() - handedToStorage) / 1_000_000;
                    if (millis >= SLOW_STORAGE_MILLIS) {
                        LOG.warn("slow storage: a write of {} entries was durable after {} ms member={}", entries,
                                millis, raft.id());
                    }
                    post(this::advanceDurable);
                });
            }
            advanceDurable();
        }
    }

    /** Logs (at INFO: it is rare) when this member's role, term or leader changes. */
    private void logRoleChange() {
        if (raft.role() != loggedRole || raft.term() != loggedTerm || raft.leaderId() != loggedLeader) {
            loggedRole = raft.role();
            loggedTerm = raft.term();
            loggedLeader = raft.leaderId();
            knownLeader = loggedLeader;
            forwardsLost(forwarded -> forwarded.leader() != loggedLeader, "the leader changed");
            LOG.info("role member={} role={} term={} leader={}", raft.id(), loggedRole, loggedTerm, loggedLeader);
        }
    }

    /** Sends the acknowledgements of, and advances, every Ready at the head whose write is durable. */
    private void advanceDurable() {
        while (!outstanding.isEmpty() && outstanding.peek().done()) {
            Outstanding done = outstanding.poll();
            if (done.persisted() != null && done.persisted().isCompletedExceptionally()) {
                // The storage failed and is telling us through fail(); nothing of this Ready may be acknowledged.
                return;
            }
            for (Message message : done.ready().messagesAfterPersist()) {
                transport.send(message);
            }
            raft.advance(done.ready());
        }
    }

    private void readSnapshotChunk(SnapshotRead read) {
        if (read.offset() == 0) {
            LOG.info("sending a snapshot member={} to={} index={}", raft.id(), read.to(), read.snapshotIndex());
        }
        byte[] data;
        boolean last;
        try {
            data = storage.readSnapshotChunk(read.snapshotIndex(), read.offset(), read.maxBytes());
            last = read.offset() + data.length >= storage.snapshotSize(read.snapshotIndex());
        } catch (IOException e) {
            LOG.warn("cannot read snapshot {} for member {}: {}", read.snapshotIndex(), read.to(), e.toString());
            data = null;
            last = false;
        }
        byte[] chunk = data;
        boolean isLast = last;
        post(() -> raft.snapshotChunk(read, chunk, isLast));
    }

    private void snapshotTaken(long index) {
        raft.snapshotTaken(index);
        storage.compactLog(index - options.raft().logTailEntries());
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        LOG.error("member failed and stops member={} cause={}", raft.id(), cause.toString());
        ticker.shutdownNow();
        transport.close();
        NodeStoppedException stopped = new NodeStoppedException("the member failed: " + cause, cause);
        proposals.failAll(stopped);
        inbox.add(() -> { });
        failed.complete(cause);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
