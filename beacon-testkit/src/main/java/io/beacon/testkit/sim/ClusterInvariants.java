package io.beacon.testkit.sim;

import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.RaftNode;
import io.beacon.raft.Role;
import io.beacon.raft.SnapshotMetadata;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulator's ghost state: what an all-seeing observer knows about the cluster, checked after every
 * event against the safety properties of Raft (thesis §3.6.3, §4 and §5, and the checklist in verification.md
 * §3.5). Lookups use hash maps; nothing here iterates one, so the checks never perturb determinism.
 */
final class ClusterInvariants {
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** Election safety: the one leader of each term. */
    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    /** Every vote granted, by voter and term: voters never vote twice in a term, even across crashes. */
    private final Map<Long, Map<Long, Long>> votesByVoter = new HashMap<>();
    /** Highest term each member put in a message: its durable term must never fall below it. */
    private final Map<Long, Long> maxTermSent = new HashMap<>();
    /** Log matching: the chained hash of every (index, term) any node ever held. */
    private final Map<Long, Map<Long, Long>> hashByIndexAndTerm = new HashMap<>();
    /** The one committed history: index -> chained hash, built as entries are first applied. */
    private final HashChain committed = new HashChain();
    /** The state machine's hash after each committed index, as the first node to apply it computed it. */
    private long[] stateHashes = new long[1024];
    /** The term of the leader that committed each index (the first node to apply it). */
    private long[] commitTerms = new long[1024];
    /** Per server slot: the log, the configurations its configuration entries define, as its memory holds them. */
    private final Map<Long, NodeView> views = new HashMap<>();
    /** The configurations the committed history defines, by the index of their entry (the first at 0). */
    private final TreeMap<Long, Configuration> committedConfigurations = new TreeMap<>();
    /** The durable logs of members whose data was wiped, as they were: acknowledgements they gave still count. */
    private final Map<Long, HashChain> wipedDisks = new HashMap<>();
    /** Client operations issued, and the index each committed command took. */
    private final Set<Long> issuedOperations = new HashSet<>();
    private final Map<Long, Long> committedOperationIndex = new HashMap<>();
    private final Map<Long, Long> acknowledgedOperationIndex = new HashMap<>();
    /** Makes an empty application of the workload, to read snapshots back. */
    private final java.util.function.Supplier<SimApplication> applications;

    /** What the observer tracks of one server's current life. */
    private static final class NodeView {
        final HashChain log = new HashChain();
        /** The configuration in force before any entry in configurationEntries (initial, or a snapshot's). */
        Configuration baseConfiguration;
        final TreeMap<Long, Configuration> configurationEntries = new TreeMap<>();
        long lastApplied;
        long lastCommit;
        long lastTerm;
        Role lastRole;
        /** The configuration the node acted on when the previous event ended. */
        Configuration lastConfiguration;

        Configuration latestConfiguration() {
            return configurationEntries.isEmpty() ? baseConfiguration : configurationEntries.lastEntry().getValue();
        }
    }

    ClusterInvariants(List<SimNode> cluster, java.util.function.Supplier<SimApplication> applications) {
        this.applications = applications;
        committedConfigurations.put(0L, Configuration.EMPTY);
        for (SimNode node : cluster) {
            nodes.put(node.slot(), node);
            views.put(node.slot(), new NodeView());
        }
    }

    long committedIndex() {
        return committed.size();
    }

    HashChain committedChain() {
        return committed;
    }

    int acknowledgedOperations() {
        return acknowledgedOperationIndex.size();
    }

    /** An operation was issued, by a client or by a node on its own: commands may carry its id from now on. */
    void onIssued(long operationId) {
        issuedOperations.add(operationId);
    }

    HashChain memoryLog(SimNode node) {
        return views.get(node.slot()).log;
    }

    /** A node (re)started from its disk: its memory is its disk, and it forgot nothing it told anyone. */
    void onStart(SimNode node) {
        NodeView view = new NodeView();
        views.put(node.slot(), view);
        view.log.copyFrom(node.disk().chain());
        SnapshotMetadata snapshot = node.disk().snapshot();
        view.baseConfiguration = snapshot != null ? snapshot.configuration()
                : Configuration.of(node.startConfig().voters());
        for (Entry entry : node.disk().persistentState().entries()) {
            recordConfiguration(view, entry);
        }

        view.lastApplied = node.application().appliedIndex();
        view.lastCommit = node.raft().commitIndex();
        view.lastRole = node.raft().role();
        view.lastConfiguration = node.raft().configuration();
        long sent = maxTermSent.getOrDefault(node.id(), 0L);
        require(node.raft().term() >= sent, "node %d restarted in term %d after sending term %d", node.id(),
                node.raft().term(), sent);
        view.lastTerm = node.raft().term();
        if (snapshot != null) {
            checkSnapshotMetadata(node, snapshot);
        }
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
                    "node %d granted a vote in term %d before persisting it", node.id(), vote.term());
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
        NodeView view = views.get(node.slot());
        RaftNode raft = node.raft();
        if (raft.role() == Role.LEADER) {
            require(entries.get(0).index() == view.log.size() + 1, "leader %d rewrote its log at index %d (last %d)",
                    node.id(), entries.get(0).index(), view.log.size());
            for (Entry entry : entries) {
                // The 2015 fix: a leader changes the configuration only once an entry of its term is committed.
                require(entry.type() != EntryType.CONFIGURATION || raft.termAt(raft.commitIndex()) == raft.term(),
                        "leader %d of term %d changed the configuration at %d before committing in its term",
                        node.id(), raft.term(), entry.index());
            }
        }
        view.configurationEntries.tailMap(entries.get(0).index(), true).clear();
        for (Entry entry : entries) {
            long hash = view.log.put(entry);
            Long known = hashByIndexAndTerm.computeIfAbsent(entry.index(), k -> new HashMap<>())
                    .putIfAbsent(entry.term(), hash);
            require(known == null || known == hash, "log matching broken at index %d term %d on node %d",
                    entry.index(), entry.term(), node.id());
            recordConfiguration(view, entry);
        }
    }

    private static void recordConfiguration(NodeView view, Entry entry) {
        if (entry.type() == EntryType.CONFIGURATION) {
            view.configurationEntries.put(entry.index(), Configuration.decode(entry.data()));
        }
    }

    /** A node is about to apply an entry: it must be the committed one. */
    void onApply(SimNode node, Entry entry) {
        NodeView view = views.get(node.slot());
        long expected = view.lastApplied + 1;
        require(entry.index() == expected, "node %d applied index %d, expected %d", node.id(), entry.index(),
                expected);
        view.lastApplied = entry.index();
        require(view.log.size() >= entry.index(), "node %d applied index %d it does not hold", node.id(),
                entry.index());
        long hash = view.log.hashAt(entry.index());
        if (entry.index() <= committed.size()) {
            require(committed.hashAt(entry.index()) == hash, "node %d applied a different entry at index %d",
                    node.id(), entry.index());
            return;
        }
        require(entry.index() == committed.size() + 1, "committed history gap at %d", entry.index());
        committed.put(entry);
        if (entry.index() >= commitTerms.length) {
            commitTerms = Arrays.copyOf(commitTerms, commitTerms.length * 2);
        }
        commitTerms[(int) entry.index()] = node.raft().term();
        if (entry.type() == EntryType.CONFIGURATION) {
            committedConfigurations.put(entry.index(), Configuration.decode(entry.data()));
        }
        require(committed.hashAt(entry.index()) == hash, "chained hash mismatch at %d", entry.index());
        if (entry.type() == EntryType.COMMAND) {
            long operationId = OperationEnvelope.operationId(entry.data());
            require(issuedOperations.contains(operationId), "phantom commit of operation %d at %d", operationId,
                    entry.index());
            Long earlier = committedOperationIndex.putIfAbsent(operationId, entry.index());
            require(earlier == null, "operation %d committed twice, at %d and %d", operationId,
                    earlier == null ? 0 : earlier, entry.index());
        }
    }

    /** A node applied an entry: every replica reaches the same state at the same index. */
    void onApplied(SimNode node, long index, long stateHash) {
        if (index >= stateHashes.length) {
            stateHashes = Arrays.copyOf(stateHashes, (int) Math.max(index + 1, stateHashes.length * 2L));
        }
        if (stateHashes[(int) index] == 0) {
            stateHashes[(int) index] = stateHash == 0 ? 1 : stateHash;
        }
        require(stateHashes[(int) index] == (stateHash == 0 ? 1 : stateHash),
                "node %d reached a different state at index %d", node.id(), index);
    }

    /** A snapshot's metadata matches the committed history: its last entry's term and the configuration then. */
    private void checkSnapshotMetadata(SimNode node, SnapshotMetadata snapshot) {
        long index = snapshot.index();
        require(index <= committed.size() && committed.termAt(index) == snapshot.term(),
                "node %d has a snapshot at %d term %d not in the committed history", node.id(), index,
                snapshot.term());
        Configuration expected = committedConfigurations.floorEntry(index).getValue();
        require(snapshot.configuration().equals(expected),
                "node %d has a snapshot at %d with configuration %s, but the committed one there is %s", node.id(),
                index, snapshot.configuration(), expected);
    }

    /** The snapshot metadata the core recorded when it was told of a snapshot. */
    void onSnapshotRecorded(SimNode node, SnapshotMetadata snapshot) {
        checkSnapshotMetadata(node, snapshot);
    }

    /** A snapshot a node took must hold exactly the committed state at its index. */
    void onSnapshotTaken(SimNode node, long index, byte[] data) {
        require(index <= committed.size(), "node %d took a snapshot at %d beyond the committed history %d",
                node.id(), index, committed.size());
        SimApplication restored = applications.get();
        restored.restore(data, index);
        require(stateHash(restored.stateHash()) == stateHashes[(int) index],
                "node %d took a snapshot at %d that does not match the committed state", node.id(), index);
    }

    /** A node installed a snapshot from the leader: its log and state must be the committed ones at its index. */
    void onSnapshotInstalled(SimNode node, SnapshotMetadata snapshot, long stateHash) {
        long index = snapshot.index();
        checkSnapshotMetadata(node, snapshot);
        require(stateHash(stateHash) == stateHashes[(int) index],
                "node %d installed a snapshot at %d whose state is not the committed state", node.id(), index);
        NodeView view = views.get(node.slot());
        if (view.log.size() < index || view.log.hashAt(index) != committed.hashAt(index)) {
            view.log.truncateTo(0);
            view.configurationEntries.clear();
        } else {
            view.configurationEntries.headMap(index, true).clear();
        }
        view.log.adoptPrefix(committed, index);
        view.baseConfiguration = snapshot.configuration();
        view.lastApplied = index;
    }

    /** A client was told its write took effect at this entry. */
    void onAcknowledged(ClientOperation operation, Entry entry) {
        Long index = committedOperationIndex.get(operation.id());
        require(index != null && index == entry.index(), "operation %d acknowledged but not committed at %d",
                operation.id(), entry.index());
        acknowledgedOperationIndex.put(operation.id(), entry.index());
    }

    /**
     * After every event: one leader per term, elected by majorities of its configuration; terms and commits never
     * go back; commits are durable on majorities; new leaders hold every committed entry; each node uses the
     * latest configuration in its log, and a leader has at most one configuration entry uncommitted.
     */
    void afterEvent() {
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                continue;
            }
            NodeView view = views.get(node.slot());
            RaftNode raft = node.raft();
            long id = node.id();
            require(raft.term() >= view.lastTerm, "node %d term went back from %d to %d", id, view.lastTerm,
                    raft.term());
            require(raft.commitIndex() >= view.lastCommit, "node %d commit went back from %d to %d", id,
                    view.lastCommit, raft.commitIndex());
            require(raft.commitIndex() <= committed.size() || !node.isRunning(),
                    "node %d commit %d is beyond the committed history %d", id, raft.commitIndex(), committed.size());
            require(raft.configuration().equals(view.latestConfiguration()),
                    "node %d acts on %s, but the latest configuration in its log is %s", id, raft.configuration(),
                    view.latestConfiguration());
            if (raft.role() == Role.LEADER) {
                checkLeader(node, view);
            }
            view.lastTerm = raft.term();
            view.lastCommit = raft.commitIndex();
            view.lastRole = raft.role();
            view.lastConfiguration = raft.configuration();
        }
    }

    private void checkLeader(SimNode node, NodeView view) {
        RaftNode raft = node.raft();
        long id = node.id();
        Long leader = leaderOfTerm.putIfAbsent(raft.term(), id);
        require(leader == null || leader == id, "two leaders in term %d: %d and %d", raft.term(),
                leader == null ? 0 : leader, id);
        boolean newlyLeader = view.lastRole != Role.LEADER || view.lastTerm != raft.term();
        if (newlyLeader) {
            long term = raft.term();
            require(view.lastConfiguration.isQuorum(voter -> voter == id
                            || id == votesByVoter.getOrDefault(voter, Map.of()).getOrDefault(term, 0L)),
                    "node %d leads term %d without votes from a majority of %s", id, term, view.lastConfiguration);
            // Leader completeness (§3.6.3): every entry committed in an earlier term. A node may still win an
            // old term late, after a later term's leader committed more; it will step down on hearing of it.
            long committedIndex = committed.size();
            while (committedIndex > 0 && commitTerms[(int) committedIndex] >= term) {
                committedIndex--;
            }
            require(view.log.size() >= committedIndex && view.log.hashAt(committedIndex) == committed.hashAt(
                    committedIndex), "leader %d of term %d lacks entries committed before it, up to %d", id, term,
                    committedIndex);
        } else if (raft.commitIndex() > view.lastCommit) {
            // The commit was decided under the configuration in force when this event began.
            long index = raft.commitIndex();
            long hash = view.log.hashAt(index);
            require(view.lastConfiguration.isQuorum(voter -> isDurableOn(voter, index, hash)),
                    "index %d committed while durable on no majority of %s", index, view.lastConfiguration);
        }
        // A new leader may not know yet how far the log is committed; the observer does.
        int uncommitted = view.configurationEntries.tailMap(Math.max(raft.commitIndex(), committed.size()), false)
                .size();
        require(uncommitted <= 1, "leader %d has %d configuration changes uncommitted", id, uncommitted);
    }

    private boolean isDurableOn(long memberId, long index, long hash) {
        SimNode node = nodes.get(SimNode.slotOf(memberId));
        HashChain chain = node != null && node.id() == memberId ? node.disk().chain() : wipedDisks.get(memberId);
        return chain != null && chain.size() >= index && chain.hashAt(index) == hash;
    }

    /** A member's data is about to be deleted; it will come back under a new id. */
    void onWiped(SimNode node) {
        HashChain last = new HashChain();
        last.copyFrom(node.disk().chain());
        wipedDisks.put(node.id(), last);
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

    private static long stateHash(long hash) {
        return hash == 0 ? 1 : hash;
    }

    private static void require(boolean condition, String template, Object... arguments) {
        if (!condition) {
            throw new SimulationFailure(String.format(template, arguments));
        }
    }
}
