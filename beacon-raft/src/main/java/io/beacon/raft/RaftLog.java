package io.beacon.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's log in memory, with the indexes that say how far it is persisted, committed and applied, and the
 * configurations its configuration entries define.
 *
 * <p>Owns: the entries not yet compacted away, the commit index, which entries were handed to the runtime to
 * persist and which are known durable, which committed entries were handed to the application, and the latest
 * configuration at every index it still holds. It never lets a committed entry be overwritten, the commit index
 * move backwards or an uncommitted entry be compacted.
 *
 * <p>Indexes: {@code compactedIndex < firstIndex() <= lastIndex() + 1}; {@code appliedIndex <= commitIndex <=
 * lastIndex}; {@code stableIndex <= handedOutIndex <= lastIndex}. The entries up to compactedIndex are no longer
 * held (a snapshot covers them) but the term of the one at compactedIndex is.
 */
final class RaftLog {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long compactedIndex;
    private long compactedTerm;
    private long commitIndex;
    private long appliedIndex;
    /** Entries up to here were handed to the runtime for persistence. */
    private long handedOutIndex;
    /** Entries up to here are known to be durable on this node. */
    private long stableIndex;
    /** The configuration in force at compactedIndex, and each configuration entry after it, by index. */
    private Configuration baseConfiguration;
    private final TreeMap<Long, Configuration> configurations = new TreeMap<>();

    /**
     * A log restored from what is durable: a snapshot (index 0 if none) with the configuration in force at its
     * index, and the entries after it. Entries at or below the snapshot index are dropped.
     */
    RaftLog(SnapshotMetadata snapshot, List<Entry> durableEntries) {
        compactedIndex = snapshot.index();
        compactedTerm = snapshot.term();
        baseConfiguration = snapshot.configuration();
        long previousTerm = compactedTerm;
        for (Entry entry : durableEntries) {
            if (entry.index() <= compactedIndex) {
                continue;
            }
            Checks.check(entry.index() == lastIndex() + 1, "restored log has a gap: expected index %d, found %d",
                    lastIndex() + 1, entry.index());
            Checks.check(entry.term() >= previousTerm, "restored log goes back in term at index %d", entry.index());
            addEntry(entry);
            previousTerm = entry.term();
        }
        handedOutIndex = lastIndex();
        stableIndex = lastIndex();
        commitIndex = compactedIndex;
        appliedIndex = compactedIndex;
    }

    long firstIndex() {
        return compactedIndex + 1;
    }

    long compactedIndex() {
        return compactedIndex;
    }

    long lastIndex() {
        return compactedIndex + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? compactedTerm : entries.get(entries.size() - 1).term();
    }

    long commitIndex() {
        return commitIndex;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    long stableIndex() {
        return stableIndex;
    }

    /** The term of the entry at index, which must lie in [compactedIndex, lastIndex]. */
    long term(long index) {
        if (index == compactedIndex) {
            return compactedTerm;
        }
        Checks.check(index > compactedIndex && index <= lastIndex(), "term of index %d asked outside the log [%d, %d]",
                index, compactedIndex, lastIndex());
        return entry(index).term();
    }

    Entry entry(long index) {
        return entries.get((int) (index - compactedIndex - 1));
    }

    /** Whether this log holds (or its snapshot covers) an entry with this index and term. */
    boolean matchTerm(long index, long term) {
        return index >= compactedIndex && index <= lastIndex() && term(index) == term;
    }

    /** The election restriction (§3.6.1): is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long ourTerm = lastTerm();
        return otherLastTerm > ourTerm || (otherLastTerm == ourTerm && otherLastIndex >= lastIndex());
    }

    /** The latest configuration in the log (§4.1: a node uses it as soon as it is appended, committed or not). */
    Configuration configuration() {
        return configurations.isEmpty() ? baseConfiguration : configurations.lastEntry().getValue();
    }

    /** The configuration in force at index, which must not be below compactedIndex. */
    Configuration configurationAt(long index) {
        Checks.check(index >= compactedIndex, "configuration asked at %d below the log start %d", index,
                compactedIndex);
        Map.Entry<Long, Configuration> latest = configurations.floorEntry(index);
        return latest == null ? baseConfiguration : latest.getValue();
    }

    /** Whether the id votes in the configuration in force at index or in any configuration entry after it. */
    boolean votesInAnyConfigurationFrom(long index, long id) {
        if (configurationAt(index).isVoter(id)) {
            return true;
        }
        for (Configuration later : configurations.tailMap(index, false).values()) {
            if (later.isVoter(id)) {
                return true;
            }
        }
        return false;
    }

    /** Index of the latest configuration entry in the log, or compactedIndex if it holds none. */
    long configurationIndex() {
        return configurations.isEmpty() ? compactedIndex : configurations.lastKey();
    }

    /** A leader appends a new entry of its own at the end. */
    void appendAsLeader(Entry entry) {
        Checks.check(entry.index() == lastIndex() + 1, "leader appends index %d after last index %d", entry.index(),
                lastIndex());
        Checks.check(entry.term() >= lastTerm(), "leader appends term %d after term %d", entry.term(), lastTerm());
        addEntry(entry);
    }

    /**
     * A follower merges entries that follow prevIndex, whose term is already known to match: entries it holds
     * (or compacted) are kept, the first conflicting one and everything after it is replaced. Returns the last
     * index the message covered.
     */
    long appendAsFollower(long prevIndex, List<Entry> incoming) {
        int position = 0;
        // Skip what we already hold (a duplicate or an overlapping retransmission) or compacted.
        while (position < incoming.size()) {
            Entry candidate = incoming.get(position);
            if (candidate.index() > compactedIndex
                    && (candidate.index() > lastIndex() || term(candidate.index()) != candidate.term())) {
                break;
            }
            position++;
        }
        if (position < incoming.size()) {
            long conflict = incoming.get(position).index();
            Checks.check(conflict == prevIndex + 1 + position, "entries in a message are not consecutive at %d",
                    conflict);
            Checks.check(conflict <= lastIndex() + 1, "entries at %d would leave a gap after the last index %d",
                    conflict, lastIndex());
            // Everything is checked before anything changes: a malformed message leaves the log as it was.
            long previousTerm = conflict <= lastIndex() ? term(conflict - 1) : lastTerm();
            List<Configuration> decoded = new ArrayList<>();
            for (int i = position; i < incoming.size(); i++) {
                Entry entry = incoming.get(i);
                Checks.check(entry.term() >= previousTerm, "appended entry %d has a term below its predecessor's",
                        entry.index());
                previousTerm = entry.term();
                decoded.add(entry.type() == EntryType.CONFIGURATION ? Configuration.decode(entry.data()) : null);
            }
            if (conflict <= lastIndex()) {
                truncateFrom(conflict);
            }
            for (int i = position; i < incoming.size(); i++) {
                Entry entry = incoming.get(i);
                entries.add(entry);
                Configuration configuration = decoded.get(i - position);
                if (configuration != null) {
                    configurations.put(entry.index(), configuration);
                }
            }
        }
        return prevIndex + incoming.size();
    }

    private void addEntry(Entry entry) {
        Configuration configuration = entry.type() == EntryType.CONFIGURATION ? Configuration.decode(entry.data())
                : null;
        entries.add(entry);
        if (configuration != null) {
            configurations.put(entry.index(), configuration);
        }
    }

    private void truncateFrom(long index) {
        Checks.check(index > commitIndex, "truncation at %d would remove committed entries (commit %d)", index,
                commitIndex);
        entries.subList((int) (index - compactedIndex - 1), entries.size()).clear();
        configurations.tailMap(index, true).clear();
        handedOutIndex = Math.min(handedOutIndex, index - 1);
        stableIndex = Math.min(stableIndex, index - 1);
    }

    /**
     * The largest index at or below index whose term is at most term, searching no lower than the compacted
     * index. Both sides use it to skip a whole conflicting term per round trip.
     */
    long findConflictByTerm(long index, long term) {
        long candidate = Math.min(index, lastIndex());
        while (candidate > compactedIndex && term(candidate) > term) {
            candidate--;
        }
        return candidate;
    }

    /** Up to maxCount entries starting at from, at most maxBytes of them but at least one. */
    List<Entry> slice(long from, int maxCount, int maxBytes) {
        Checks.check(from > compactedIndex, "slice from %d reaches below the log start %d", from, firstIndex());
        long end = Math.min(lastIndex() + 1, from + maxCount);
        if (from >= end) {
            return List.of();
        }
        int start = (int) (from - compactedIndex - 1);
        int stop = (int) (end - compactedIndex - 1);
        int bytes = 0;
        for (int i = start; i < stop; i++) {
            bytes += entries.get(i).sizeInBytes();
            if (bytes > maxBytes && i > start) {
                stop = i;
                break;
            }
        }
        return List.copyOf(entries.subList(start, stop));
    }

    /** Raises the commit index; never lowers it. Returns whether it moved. */
    boolean commitTo(long index) {
        if (index <= commitIndex) {
            return false;
        }
        Checks.check(index <= lastIndex(), "commit index %d beyond the last index %d", index, lastIndex());
        commitIndex = index;
        return true;
    }

    /** Entries not yet handed to the runtime for persistence; they count as handed out from now on. */
    List<Entry> takeUnpersisted() {
        if (handedOutIndex == lastIndex()) {
            return List.of();
        }
        List<Entry> result = List.copyOf(entries.subList((int) (handedOutIndex - compactedIndex), entries.size()));
        handedOutIndex = lastIndex();
        return result;
    }

    boolean hasUnpersisted() {
        return handedOutIndex < lastIndex();
    }

    /**
     * The runtime made entries up to (index, term) durable. If the log has since replaced that entry, the
     * acknowledgement is stale and changes nothing: a later persistence will cover the replacement. Entries
     * compacted since count as durable: the snapshot that covers them is.
     */
    void stableTo(long index, long term) {
        if (index <= stableIndex) {
            return;
        }
        if (index <= compactedIndex || matchTerm(index, term)) {
            stableIndex = Math.min(index, lastIndex());
        }
    }

    /** Committed entries not yet handed to the application; they count as handed out from now on. */
    List<Entry> takeCommittedToApply() {
        if (appliedIndex == commitIndex) {
            return List.of();
        }
        List<Entry> result = List.copyOf(entries.subList((int) (appliedIndex - compactedIndex),
                (int) (commitIndex - compactedIndex)));
        appliedIndex = commitIndex;
        return result;
    }

    boolean hasCommittedToApply() {
        return appliedIndex < commitIndex;
    }

    /**
     * Drops entries up to index from memory; a snapshot covers them. Only applied entries may go, so nothing
     * uncommitted is ever compacted.
     */
    void compactTo(long index) {
        if (index <= compactedIndex) {
            return;
        }
        Checks.check(index <= appliedIndex, "compaction to %d would drop entries not yet applied (applied %d)", index,
                appliedIndex);
        Checks.check(index <= handedOutIndex, "compaction to %d would drop entries never handed out (%d)", index,
                handedOutIndex);
        long term = term(index);
        baseConfiguration = configurationAt(index);
        configurations.headMap(index, true).clear();
        entries.subList(0, (int) (index - compactedIndex)).clear();
        compactedIndex = index;
        compactedTerm = term;
    }

    /**
     * A follower installs a snapshot the leader sent (§5.3): if the log holds the snapshot's last entry, the
     * entries after it stay; otherwise the whole log is replaced by the snapshot. Either way the state machine
     * restarts from the snapshot.
     */
    void installSnapshot(SnapshotMetadata snapshot) {
        Checks.check(snapshot.index() > commitIndex, "snapshot at %d installed below the commit index %d",
                snapshot.index(), commitIndex);
        if (matchTerm(snapshot.index(), snapshot.term())) {
            entries.subList(0, (int) (snapshot.index() - compactedIndex)).clear();
            configurations.headMap(snapshot.index(), true).clear();
            // What the snapshot covers is handed out with it; entries after it keep their own state.
            handedOutIndex = Math.max(handedOutIndex, snapshot.index());
        } else {
            entries.clear();
            configurations.clear();
            handedOutIndex = snapshot.index();
            stableIndex = Math.min(stableIndex, snapshot.index());
        }
        compactedIndex = snapshot.index();
        compactedTerm = snapshot.term();
        baseConfiguration = snapshot.configuration();
        commitIndex = snapshot.index();
        appliedIndex = snapshot.index();
    }
}
