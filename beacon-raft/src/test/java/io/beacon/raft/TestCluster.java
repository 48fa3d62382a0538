package io.beacon.raft;

import io.beacon.raft.message.Message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A small synchronous harness for the core's unit tests: nodes, an in-memory disk per node, a queue of
 * messages, links that can be cut and messages that can be dropped. Persistence is immediate unless a
 * node's disk is held, so a test can look at the gap between a Ready and its {@code advance}.
 *
 * <p>A node's state machine is the list of commands it applied; its snapshot is that list, serialized. Committed
 * entries are applied once the Ready that carries them is persisted (after restoring a snapshot it completes), and
 * a snapshot asked for is taken right then, at the last applied index.
 */
final class TestCluster {
    /**
     * Every initial member bootstraps: its log starts with the first configuration as this entry, of this term,
     * already committed. A fresh cluster's first election is therefore for {@link #FIRST_TERM}, its leader's no-op
     * lands at {@link #FIRST_NOOP} and the first command proposed to it at {@link #FIRST_PROPOSAL}.
     */
    static final long BOOTSTRAP_INDEX = 1;
    static final long BOOTSTRAP_TERM = 1;
    static final long FIRST_TERM = 2;
    static final long FIRST_NOOP = 2;
    static final long FIRST_PROPOSAL = 3;

    final TreeMap<Long, RaftNode> nodes = new TreeMap<>();
    final TreeMap<Long, Disk> disks = new TreeMap<>();
    final TreeMap<Long, StateMachine> stateMachines = new TreeMap<>();
    final TreeMap<Long, List<ReadState>> readStates = new TreeMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    final List<Message> delivered = new ArrayList<>();
    /** Every snapshot read a node asked its runtime for, in order. */
    final List<SnapshotRead> snapshotReads = new ArrayList<>();
    private final TreeMap<Long, RaftConfig> configs = new TreeMap<>();
    private final Set<String> cutLinks = new HashSet<>();
    private Predicate<Message> drop = message -> false;
    private final UnaryOperator<RaftConfig> configure;

    /** The commands a node applied, and the index of the last entry it applied (or of the snapshot restored). */
    static final class StateMachine {
        List<byte[]> commands = new ArrayList<>();
        long appliedIndex;

        void apply(Entry entry) {
            if (entry.type() == EntryType.COMMAND) {
                commands.add(entry.data());
            }
            appliedIndex = entry.index();
        }

        byte[] snapshot() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(commands.size());
                for (byte[] command : commands) {
                    out.writeInt(command.length);
                    out.write(command);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        void restore(byte[] snapshot, long index) {
            List<byte[]> restored = new ArrayList<>();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    byte[] command = new byte[in.readInt()];
                    in.readFully(command);
                    restored.add(command);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            commands = restored;
            appliedIndex = index;
        }
    }

    /** The durable state of one node (hard state, snapshot, log), and Readys whose persistence is held back. */
    static final class Disk {
        HardState hardState = HardState.INITIAL;
        SnapshotMetadata snapshot;
        byte[] snapshotData;
        final ArrayList<Entry> entries = new ArrayList<>();
        /** The snapshot being received, chunk by chunk. */
        private final ByteArrayOutputStream receiving = new ByteArrayOutputStream();
        boolean held;
        final ArrayDeque<Ready> pending = new ArrayDeque<>();

        void write(Ready ready) {
            if (ready.hardState() != null) {
                hardState = ready.hardState();
            }
            for (SnapshotChunk chunk : ready.snapshotChunks()) {
                if (chunk.offset() == 0) {
                    receiving.reset();
                }
                receiving.writeBytes(chunk.data());
                if (chunk.last()) {
                    SnapshotMetadata metadata = chunk.metadata();
                    boolean keepsTail = entries.stream()
                            .anyMatch(e -> e.index() == metadata.index() && e.term() == metadata.term());
                    if (!keepsTail) {
                        entries.clear();
                    }
                    saveSnapshot(metadata, receiving.toByteArray());
                }
            }
            if (!ready.entries().isEmpty()) {
                long first = ready.entries().get(0).index();
                entries.removeIf(e -> e.index() >= first);
                entries.addAll(ready.entries());
            }
        }

        /** Makes a snapshot the current one; the log entries it covers go. */
        void saveSnapshot(SnapshotMetadata metadata, byte[] data) {
            snapshot = metadata;
            snapshotData = data;
            entries.removeIf(e -> e.index() <= metadata.index());
        }

        PersistentState persistentState() {
            return new PersistentState(hardState, snapshot, entries);
        }

        /** The configuration entries on disk, in log order. */
        List<Configuration> configurationEntries() {
            return entries.stream().filter(e -> e.type() == EntryType.CONFIGURATION)
                    .map(e -> Configuration.decode(e.data())).toList();
        }
    }

    TestCluster(int size) {
        this(size, UnaryOperator.identity());
    }

    TestCluster(int size, UnaryOperator<RaftConfig> configure) {
        this.configure = configure;
        List<Long> voters = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        for (long id = 1; id <= size; id++) {
            start(id, voters);
        }
    }

    /** Adds a brand-new node that knows of no configuration: it joins once the leader adds it. */
    RaftNode addNode(long id) {
        return start(id, List.of());
    }

    private RaftNode start(long id, List<Long> voters) {
        RaftConfig config = configure.apply(RaftConfig.defaults(id, voters));
        configs.put(id, config);
        disks.put(id, new Disk());
        stateMachines.put(id, new StateMachine());
        readStates.put(id, new ArrayList<>());
        RaftNode node = RaftNode.fresh(config);
        nodes.put(id, node);
        return node;
    }

    RaftNode node(long id) {
        return nodes.get(id);
    }

    /** Ticks one node until it starts an election, then lets the cluster settle. */
    void elect(long id) {
        RaftNode node = node(id);
        for (int i = 0; i < 100 && node.role() != Role.LEADER; i++) {
            node.tick();
            stabilize();
        }
        if (node.role() != Role.LEADER) {
            throw new AssertionError("node " + id + " did not become leader: " + node.status());
        }
    }

    /** Ticks every node until one other than the excluded node leads; returns it. */
    long awaitLeaderOtherThan(long excluded) {
        for (int i = 0; i < 500; i++) {
            for (RaftNode node : nodes.values()) {
                if (node.id() != excluded && node.role() == Role.LEADER) {
                    return node.id();
                }
            }
            tickAll(1);
        }
        throw new AssertionError("no leader other than " + excluded + " emerged");
    }

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            node(id).tick();
        }
    }

    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (RaftNode node : nodes.values()) {
                node.tick();
            }
            stabilize();
        }
    }

    void cut(long a, long b) {
        cutLinks.add(a + "-" + b);
        cutLinks.add(b + "-" + a);
    }

    void cutOneWay(long from, long to) {
        cutLinks.add(from + "-" + to);
    }

    void isolate(long id) {
        for (long other : nodes.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void heal() {
        cutLinks.clear();
        drop = message -> false;
    }

    void drop(Predicate<Message> filter) {
        this.drop = filter;
    }

    /** Drops the first message that matches, and only that one. */
    void dropOnce(Predicate<Message> filter) {
        boolean[] dropped = {false};
        drop(message -> {
            if (!dropped[0] && filter.test(message)) {
                dropped[0] = true;
                return true;
            }
            return false;
        });
    }

    /** Processes Readys and delivers messages until nothing moves. */
    void stabilize() {
        for (int round = 0; round < 10_000; round++) {
            boolean moved = processReadys();
            while (!network.isEmpty()) {
                deliver(network.poll());
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("cluster did not settle");
    }

    /** Takes every node's Ready (without delivering messages). Returns whether any node had one. */
    boolean processReadys() {
        boolean any = false;
        for (var entry : nodes.entrySet()) {
            long id = entry.getKey();
            RaftNode node = entry.getValue();
            Disk disk = disks.get(id);
            while (node.hasReady()) {
                any = true;
                Ready ready = node.ready();
                network.addAll(ready.messages());
                readStates.get(id).addAll(ready.readStates());
                for (SnapshotRead read : ready.snapshotReads()) {
                    snapshotReads.add(read);
                    answer(node, disk, read);
                }
                disk.pending.add(ready);
                if (!disk.held) {
                    flush(id);
                }
            }
        }
        return any;
    }

    /** The runtime reads a chunk of the snapshot the leader asks for; null if it no longer has that snapshot. */
    private static void answer(RaftNode node, Disk disk, SnapshotRead read) {
        if (disk.snapshot == null || disk.snapshot.index() != read.snapshotIndex()) {
            node.snapshotChunk(read, null, false);
            return;
        }
        int from = (int) read.offset();
        int to = Math.min(disk.snapshotData.length, from + read.maxBytes());
        node.snapshotChunk(read, Arrays.copyOfRange(disk.snapshotData, from, to), to == disk.snapshotData.length);
    }

    /** Makes a node's held Readys durable, applies them, sends their messages and advances the node. */
    void flush(long id) {
        Disk disk = disks.get(id);
        StateMachine stateMachine = stateMachines.get(id);
        while (!disk.pending.isEmpty()) {
            Ready ready = disk.pending.poll();
            disk.write(ready);
            SnapshotMetadata installed = ready.installedSnapshot();
            if (installed != null) {
                stateMachine.restore(disk.snapshotData, installed.index());
            }
            ready.committedEntries().forEach(stateMachine::apply);
            network.addAll(ready.messagesAfterPersist());
            node(id).advance(ready);
            if (ready.snapshotDue()) {
                node(id).snapshotTaken(stateMachine.appliedIndex);
                disk.saveSnapshot(node(id).snapshot(), stateMachine.snapshot());
            }
        }
    }

    void deliver(Message message) {
        if (!nodes.containsKey(message.to()) || cutLinks.contains(message.from() + "-" + message.to())
                || drop.test(message)) {
            return;
        }
        delivered.add(message);
        node(message.to()).step(message);
    }

    /** Restarts a node from its disk, losing anything held back; its state machine restarts from the snapshot. */
    void restart(long id) {
        Disk disk = disks.get(id);
        disk.pending.clear();
        disk.held = false;
        StateMachine stateMachine = new StateMachine();
        if (disk.snapshot != null) {
            stateMachine.restore(disk.snapshotData, disk.snapshot.index());
        }
        stateMachines.put(id, stateMachine);
        nodes.put(id, new RaftNode(configs.get(id), disk.persistentState()));
    }

    long leaderId() {
        long leader = RaftNode.NONE;
        for (RaftNode node : nodes.values()) {
            if (node.role() == Role.LEADER) {
                leader = node.id();
            }
        }
        return leader;
    }

    List<byte[]> appliedCommands(long id) {
        return List.copyOf(stateMachines.get(id).commands);
    }

    <T extends Message> List<T> deliveredOf(Class<T> type) {
        List<T> result = new ArrayList<>();
        for (Message message : delivered) {
            if (type.isInstance(message)) {
                result.add(type.cast(message));
            }
        }
        return result;
    }
}
