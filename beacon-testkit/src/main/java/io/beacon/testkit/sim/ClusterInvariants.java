package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Role;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulator's ghost state: what an all-seeing observer knows about the cluster, checked after every
 * event against the safety properties of Raft (thesis §3.6.3, and the checklist in verification.md §3.5).
 * Lookups use hash maps; nothing here iterates one, so the checks never perturb determinism.
 */
final class ClusterInvariants {
    private final int quorum;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** Election safety: the one leader of each term. */
    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    /** Every vote granted, by (voter, term): voters never vote twice in a term, even across crashes. */
    private final Map<Long, Map<Long, Long>> votesByVoter = new HashMap<>();
    /** Highest term each node put in a message: its durable term must never fall below it. */
    private final Map<Long, Long> maxTermSent = new HashMap<>();
    /** The log as each node's memory holds it. */
    private final Map<Long, HashChain> memoryLogs = new HashMap<>();
    /** Log matching: the chained hash of every (index, term) any node ever held. */
    private final Map<Long, Map<Long, Long>> hashByIndexAndTerm = new HashMap<>();
    /** The one committed history: index -> chained hash, built as entries are first applied. */
    private final HashChain committed = new HashChain();
    private final Map<Long, Long> lastCommit = new HashMap<>();
    private final Map<Long, Long> lastApplied = new HashMap<>();
    private final Map<Long, Long> lastTerm = new HashMap<>();
    private final Map<Long, Role> lastRole = new HashMap<>();
    /** Client operations issued, and the index each committed command took. */
    private final Set<Long> issuedOperations = new HashSet<>();
    private final Map<Long, Long> committedOperationIndex = new HashMap<>();
    private final Map<Long, Long> acknowledgedOperationIndex = new HashMap<>();

    ClusterInvariants(List<SimNode> cluster) {
        for (SimNode node : cluster) {
            nodes.put(node.id(), node);
            memoryLogs.put(node.id(), new HashChain());
        }
        this.quorum = cluster.size() / 2 + 1;
    }

    long committedIndex() {
        return committed.size();
    }

    long committedHash(long index) {
        return committed.hashAt(index);
    }

    int acknowledgedOperations() {
        return acknowledgedOperationIndex.size();
    }

    void onIssued(ClientOperation operation) {
        issuedOperations.add(operation.id());
    }

    /** A node (re)started from its disk: its memory is its disk, and it forgot nothing it told anyone. */
    void onStart(SimNode node) {
        memoryLogs.get(node.id()).copyFrom(node.disk().chain());
        lastCommit.put(node.id(), node.raft().commitIndex());
        lastApplied.put(node.id(), 0L);
        lastRole.put(node.id(), node.raft().role());
        long sent = maxTermSent.getOrDefault(node.id(), 0L);
        require(node.raft().term() >= sent, "node %d restarted in term %d after sending term %d", node.id(),
                node.raft().term(), sent);
        lastTerm.put(node.id(), node.raft().term());
    }

    /** Every message a node sends: its term and any vote it grants are already durable. */
    void onSend(SimNode node, Message message) {
        boolean prospective = message instanceof RequestVote request && request.preVote()
                || message instanceof RequestVoteResponse response && response.preVote() && response.granted();
        if (!prospective) {
            long durable = node.disk().hardState().term();
            require(message.term() <= durable, "node %d sent term %d before persisting it (durable term %d)",
                    node.id(), message.term(), durable);
            maxTermSent.merge(node.id(), message.term(), Math::max);
        }
        if (message instanceof RequestVoteResponse vote && !vote.preVote() && vote.granted()) {
            require(node.disk().hardState().term() == vote.term() && node.disk().hardState().votedFor() == vote.to(),
                    "node %d granted a vote in term %d before persisting it", node.id(), vote.term(), 0);
            Long earlier = votesByVoter.computeIfAbsent(node.id(), k -> new HashMap<>()).putIfAbsent(vote.term(),
                    vote.to());
            require(earlier == null || earlier == vote.to(), "node %d voted for %d and %d in term %d", node.id(),
                    earlier == null ? 0 : earlier, vote.to(), vote.term());
        }
    }

    /** Entries a node's log took (in memory), replacing any from the first one's index. */
    void onLogWritten(SimNode node, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        HashChain log = memoryLogs.get(node.id());
        if (node.raft().role() == Role.LEADER) {
            require(entries.get(0).index() == log.size() + 1, "leader %d rewrote its log at index %d (last %d)",
                    node.id(), entries.get(0).index(), log.size());
        }
        for (Entry entry : entries) {
            long hash = log.put(entry);
            Long known = hashByIndexAndTerm.computeIfAbsent(entry.index(), k -> new HashMap<>())
                    .putIfAbsent(entry.term(), hash);
            require(known == null || known == hash, "log matching broken at index %d term %d on node %d",
                    entry.index(), entry.term(), node.id());
        }
    }

    /** A node applies an entry: it must be the committed one, durable on a majority. */
    void onApply(SimNode node, Entry entry) {
        long expected = lastApplied.get(node.id()) + 1;
        require(entry.index() == expected, "node %d applied index %d, expected %d", node.id(), entry.index(),
                expected);
        lastApplied.put(node.id(), entry.index());
        long hash = memoryLogs.get(node.id()).hashAt(entry.index());
        require(memoryLogs.get(node.id()).size() >= entry.index(), "node %d applied index %d it does not hold",
                node.id(), entry.index(), 0);
        if (entry.index() <= committed.size()) {
            require(committed.hashAt(entry.index()) == hash, "node %d applied a different entry at index %d",
                    node.id(), entry.index(), 0);
            return;
        }
        require(entry.index() == committed.size() + 1, "committed history gap at %d", entry.index());
        committed.put(entry);
        require(committed.hashAt(entry.index()) == hash, "chained hash mismatch at %d", entry.index());
        int durableCopies = 0;
        for (SimNode other : nodes.values()) {
            if (other.disk().chain().size() >= entry.index() && other.disk().chain().hashAt(entry.index()) == hash) {
                durableCopies++;
            }
        }
        require(durableCopies >= quorum, "index %d committed while durable on only %d nodes", entry.index(),
                durableCopies);
        if (entry.type() == EntryType.COMMAND) {
            KvCommand command = KvCommand.decode(entry.data());
            require(issuedOperations.contains(command.operationId()), "phantom commit of operation %d at %d",
                    command.operationId(), entry.index());
            Long earlier = committedOperationIndex.putIfAbsent(command.operationId(), entry.index());
            require(earlier == null, "operation %d committed twice, at %d and %d", command.operationId(),
                    earlier == null ? 0 : earlier, entry.index());
        }
    }

    /** A client was told its write took effect at this entry. */
    void onAcknowledged(ClientOperation operation, Entry entry) {
        Long index = committedOperationIndex.get(operation.id());
        require(index != null && index == entry.index(), "operation %d acknowledged but not committed at %d",
                operation.id(), entry.index());
        acknowledgedOperationIndex.put(operation.id(), entry.index());
    }

    /** After every event: one leader per term, terms and commits never go back, new leaders are complete. */
    void afterEvent() {
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                continue;
            }
            RaftNode raft = node.raft();
            long id = node.id();
            require(raft.term() >= lastTerm.get(id), "node %d term went back from %d to %d", id, lastTerm.get(id),
                    raft.term());
            require(raft.commitIndex() >= lastCommit.get(id), "node %d commit went back from %d to %d", id,
                    lastCommit.get(id), raft.commitIndex());
            require(raft.commitIndex() <= committed.size() || !node.isRunning(),
                    "node %d commit %d is beyond the committed history %d", id, raft.commitIndex(), committed.size());
            if (raft.role() == Role.LEADER) {
                Long leader = leaderOfTerm.putIfAbsent(raft.term(), id);
                require(leader == null || leader == id, "two leaders in term %d: %d and %d", raft.term(),
                        leader == null ? 0 : leader, id);
                boolean newlyLeader = lastRole.get(id) != Role.LEADER || lastTerm.get(id) != raft.term();
                if (newlyLeader) {
                    checkLeaderCompleteness(node);
                }
            }
            lastTerm.put(id, raft.term());
            lastCommit.put(id, raft.commitIndex());
            lastRole.put(id, raft.role());
        }
    }

    private void checkLeaderCompleteness(SimNode leader) {
        HashChain log = memoryLogs.get(leader.id());
        long committedIndex = committed.size();
        require(log.size() >= committedIndex && log.hashAt(committedIndex) == committed.hashAt(committedIndex),
                "leader %d of term %d lacks committed entries up to %d", leader.id(), leader.raft().term(),
                committedIndex);
    }

    /** Every acknowledged write is in the committed history, at the index it was acknowledged for. */
    void checkAcknowledgedWritesCommitted() {
        for (Map.Entry<Long, Long> acknowledged : new TreeMap<>(acknowledgedOperationIndex).entrySet()) {
            require(acknowledged.getValue() <= committed.size()
                            && committedOperationIndex.get(acknowledged.getKey()).equals(acknowledged.getValue()),
                    "acknowledged operation %d missing from the committed history at %d", acknowledged.getKey(),
                    acknowledged.getValue());
        }
    }

    HashChain memoryLog(long id) {
        return memoryLogs.get(id);
    }

    private static void require(boolean condition, String template, Object... arguments) {
        if (!condition) {
            throw new SimulationFailure(String.format(template, arguments));
        }
    }
}
