package io.beacon.bench.raft;

import io.beacon.raft.Entry;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Ready;
import io.beacon.raft.Role;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;
import io.beacon.raft.SnapshotRead;
import io.beacon.raft.message.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The runtime of the snapshot benchmarks: a cluster of {@link RaftNode}s, each with a {@link KeyValueStateMachine}
 * and its latest snapshot kept in memory as {@link SnapshotBytes}, all driven on the calling thread. It carries
 * every Ready out as {@link Ready} says, with persistence immediate (memory is the disk): messages, then received
 * snapshot chunks (restoring the state machine on the last one), then messagesAfterPersist, then the committed
 * entries applied, then advance; a snapshot is taken at once when one is due, and every SnapshotRead is answered
 * from the snapshot kept. Messages go through one FIFO queue; a message from or to a disconnected or absent node
 * is dropped. Nothing ticks unless asked to.
 *
 * <p>It checks as it goes: entries are applied in order with no gap (the state machine refuses any other), a
 * received snapshot's chunks arrive in order, and only the snapshot a node holds is ever read from it.
 */
final class SnapshottingCluster {
    /** Runs after every Ready a node carried out: a place to sample the cluster. */
    interface ReadyListener {
        void afterReady(Member member);
    }

    /** One node and what its runtime keeps beside it, with counters of its snapshot work. */
    static final class Member {
        final long id;
        final RaftNode node;
        final KeyValueStateMachine machine = new KeyValueStateMachine();
        /** The latest snapshot taken or installed, and the index it covers. */
        private SnapshotBytes snapshot;
        private long snapshotIndex;
        /** The snapshot being received, if any. */
        private SnapshotBytes receiving;
        private boolean connected = true;

        long snapshotsTaken;
        long snapshotsInstalled;
        long chunksSent;
        long chunksReceived;
        /** Nanoseconds spent writing snapshots, and restoring the state machine from received ones. */
        long snapshotNanos;
        long restoreNanos;

        Member(RaftConfig config) {
            this.id = config.id();
            this.node = RaftNode.fresh(config);
        }

        /** Bytes of the latest snapshot this node took or installed (0 if none). */
        long snapshotSize() {
            return snapshot == null ? 0 : snapshot.size();
        }

        /** Entries the node holds in memory. */
        long logLength() {
            return node.lastIndex() - node.firstIndex() + 1;
        }
    }

    private static final int MAX_DRIVE_ROUNDS = 10_000_000;

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private ReadyListener listener = member -> { };

    /** A fresh cluster of the voters these configurations name (each starts with the same voters). */
    SnapshottingCluster(List<RaftConfig> configs) {
        for (RaftConfig config : configs) {
            if (!config.voters().equals(configs.get(0).voters()) || !config.voters().contains(config.id())) {
                throw new IllegalArgumentException("not one cluster: " + configs);
            }
            add(config);
        }
    }

    /** Starts a node (a voter of the initial configuration, or, with no voters, one that joins later). */
    Member add(RaftConfig config) {
        if (members.containsKey(config.id())) {
            throw new IllegalArgumentException("node " + config.id() + " already runs");
        }
        Member member = new Member(config);
        members.put(member.id, member);
        return member;
    }

    /** Stops a node for good: its messages are dropped from now on. */
    void remove(long id) {
        members.remove(id);
    }

    Member member(long id) {
        Member member = members.get(id);
        if (member == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return member;
    }

    Collection<Member> members() {
        return members.values();
    }

    void listen(ReadyListener readyListener) {
        listener = readyListener;
    }

    void disconnect(long id) {
        member(id).connected = false;
    }

    void reconnect(long id) {
        member(id).connected = true;
    }

    /** Ticks this node until it leads (driving the cluster after each tick); fails if it does not. */
    RaftNode elect(long id) {
        RaftNode candidate = member(id).node;
        for (int tick = 0; tick < 1_000 && candidate.role() != Role.LEADER; tick++) {
            candidate.tick();
            drive();
        }
        if (candidate.role() != Role.LEADER) {
            throw new IllegalStateException("node " + id + " did not become leader: " + candidate.status());
        }
        drive();
        return candidate;
    }

    /** Ticks every node once (the runtime's timer), then drives the cluster. */
    void tickAll() {
        for (Member member : members.values()) {
            member.node.tick();
        }
        drive();
    }

    /** Carries out every node's Readys and delivers every message until nothing moves. */
    void drive() {
        List<Member> running = new ArrayList<>(members.values());
        for (int round = 0; ; round++) {
            if (round > MAX_DRIVE_ROUNDS) {
                throw new IllegalStateException("the cluster did not settle");
            }
            boolean moved = false;
            for (Member member : running) {
                while (member.node.hasReady()) {
                    moved = true;
                    handle(member, member.node.ready());
                    listener.afterReady(member);
                }
            }
            Message message;
            while ((message = network.poll()) != null) {
                moved = true;
                Member to = members.get(message.to());
                Member from = members.get(message.from());
                if (to != null && from != null && to.connected && from.connected) {
                    to.node.step(message);
                }
            }
            if (!moved) {
                return;
            }
        }
    }

    private void handle(Member member, Ready ready) {
        RaftNode node = member.node;
        network.addAll(ready.messages());
        // Persisting the hard state and the entries: nothing to do. Received chunks are kept; the last one makes
        // the received snapshot the node's current one and restores the state machine from it.
        for (SnapshotChunk chunk : ready.snapshotChunks()) {
            receive(member, chunk);
        }
        network.addAll(ready.messagesAfterPersist());
        for (Entry entry : ready.committedEntries()) {
            member.machine.apply(entry);
        }
        node.advance(ready);
        if (ready.snapshotDue()) {
            takeSnapshot(member);
        }
        for (SnapshotRead read : ready.snapshotReads()) {
            SnapshotBytes snapshot = member.snapshot;
            if (snapshot == null || member.snapshotIndex != read.snapshotIndex()) {
                node.snapshotChunk(read, null, false);
                continue;
            }
            byte[] data = snapshot.read(read.offset(), read.maxBytes());
            member.chunksSent++;
            node.snapshotChunk(read, data, read.offset() + data.length == snapshot.size());
        }
    }

    private static void takeSnapshot(Member member) {
        long started = System.nanoTime();
        SnapshotBytes snapshot = new SnapshotBytes();
        try {
            member.machine.writeSnapshot(snapshot.output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        member.snapshot = snapshot;
        member.snapshotIndex = member.machine.appliedIndex();
        member.node.snapshotTaken(member.snapshotIndex);
        member.snapshotsTaken++;
        member.snapshotNanos += System.nanoTime() - started;
    }

    private static void receive(Member member, SnapshotChunk chunk) {
        member.chunksReceived++;
        if (chunk.offset() == 0) {
            member.receiving = new SnapshotBytes();
        }
        SnapshotBytes received = member.receiving;
        if (received == null || received.size() != chunk.offset()) {
            throw new IllegalStateException("node " + member.id + " got a chunk at " + chunk.offset() + " after "
                    + (received == null ? "none" : received.size() + " bytes"));
        }
        received.append(chunk.data());
        if (!chunk.last()) {
            return;
        }
        SnapshotMetadata metadata = chunk.metadata();
        long started = System.nanoTime();
        try {
            member.machine.restoreSnapshot(received.input(), metadata.index());
        } catch (IOException e) {
            throw new UncheckedIOException("node " + member.id + " could not restore snapshot " + metadata, e);
        }
        member.restoreNanos += System.nanoTime() - started;
        member.snapshot = received;
        member.snapshotIndex = metadata.index();
        member.receiving = null;
        member.snapshotsInstalled++;
    }
}
