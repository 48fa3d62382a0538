package io.beacon.raft;

import io.beacon.raft.message.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 */
final class TestCluster {
    final TreeMap<Long, RaftNode> nodes = new TreeMap<>();
    final TreeMap<Long, Disk> disks = new TreeMap<>();
    final TreeMap<Long, List<Entry>> applied = new TreeMap<>();
    final TreeMap<Long, List<ReadState>> readStates = new TreeMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    final List<Message> delivered = new ArrayList<>();
    private final Set<String> cutLinks = new HashSet<>();
    private Predicate<Message> drop = message -> false;
    private final UnaryOperator<RaftConfig> configure;

    /** The durable state of one node, and Readys whose persistence is being held back. */
    static final class Disk {
        HardState hardState = HardState.INITIAL;
        final ArrayList<Entry> entries = new ArrayList<>();
        boolean held;
        final ArrayDeque<Ready> pending = new ArrayDeque<>();

        void write(Ready ready) {
            if (ready.hardState() != null) {
                hardState = ready.hardState();
            }
            if (!ready.entries().isEmpty()) {
                long first = ready.entries().get(0).index();
                while (!entries.isEmpty() && entries.get(entries.size() - 1).index() >= first) {
                    entries.remove(entries.size() - 1);
                }
                entries.addAll(ready.entries());
            }
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
            RaftConfig config = configure.apply(RaftConfig.defaults(id, voters));
            nodes.put(id, RaftNode.fresh(config));
            disks.put(id, new Disk());
            applied.put(id, new ArrayList<>());
            readStates.put(id, new ArrayList<>());
        }
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
            RaftNode node = entry.getValue();
            Disk disk = disks.get(entry.getKey());
            while (node.hasReady()) {
                any = true;
                Ready ready = node.ready();
                network.addAll(ready.messages());
                applied.get(entry.getKey()).addAll(ready.committedEntries());
                readStates.get(entry.getKey()).addAll(ready.readStates());
                disk.pending.add(ready);
                if (!disk.held) {
                    flush(entry.getKey());
                }
            }
        }
        return any;
    }

    /** Makes a node's held Readys durable, sends their messages and advances the node. */
    void flush(long id) {
        Disk disk = disks.get(id);
        while (!disk.pending.isEmpty()) {
            Ready ready = disk.pending.poll();
            disk.write(ready);
            network.addAll(ready.messagesAfterPersist());
            node(id).advance(ready);
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

    /** Restarts a node from its disk, losing anything held back. */
    void restart(long id) {
        Disk disk = disks.get(id);
        disk.pending.clear();
        disk.held = false;
        RaftConfig config = configure.apply(RaftConfig.defaults(id, List.copyOf(nodes.keySet())));
        nodes.put(id, new RaftNode(config, disk.hardState, List.copyOf(disk.entries), 0));
        applied.put(id, new ArrayList<>());
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
        List<byte[]> commands = new ArrayList<>();
        for (Entry entry : applied.get(id)) {
            if (entry.type() == EntryType.COMMAND) {
                commands.add(entry.data());
            }
        }
        return commands;
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
