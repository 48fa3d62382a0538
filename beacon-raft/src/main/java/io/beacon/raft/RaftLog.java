package io.beacon.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's log in memory, with the indexes that say how far it is persisted, committed and applied.
 *
 * <p>Owns: the entries, the commit index, which entries were handed to the runtime to persist and which are
 * known durable, which committed entries were handed to the application. It never lets a committed entry be
 * overwritten or the commit index move backwards.
 *
 * <p>Indexes: {@code snapshotIndex < firstIndex() <= lastIndex()}; {@code appliedIndex <= commitIndex <= lastIndex};
 * {@code stableIndex <= handedOutIndex <= lastIndex}. The entry at snapshotIndex is no longer held, but its term is
 * (zero for the empty log).
 */
final class RaftLog {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;
    private long commitIndex;
    private long appliedIndex;
    /** Entries up to here were handed to the runtime for persistence. */
    private long handedOutIndex;
    /** Entries up to here are known to be durable on this node. */
    private long stableIndex;

    /** A log holding entries that are already durable (on restart), with the commit index last persisted. */
    RaftLog(List<Entry> durableEntries, long commitIndex, long appliedIndex) {
        long expected = 1;
        long previousTerm = 0;
        for (Entry entry : durableEntries) {
            Checks.check(entry.index() == expected, "restored log has a gap: expected index %d, found %d", expected,
                    entry.index());
            Checks.check(entry.term() >= previousTerm, "restored log goes back in term at index %d", entry.index());
            entries.add(entry);
            expected++;
            previousTerm = entry.term();
        }
        handedOutIndex = lastIndex();
        stableIndex = lastIndex();
        Checks.check(commitIndex <= lastIndex(), "restored commit index %d is beyond the restored log's last index %d",
                commitIndex, lastIndex());
        Checks.check(appliedIndex <= commitIndex, "applied index %d is beyond the commit index %d", appliedIndex,
                commitIndex);
        this.commitIndex = commitIndex;
        this.appliedIndex = appliedIndex;
    }

    long firstIndex() {
        return snapshotIndex + 1;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshotTerm : entries.get(entries.size() - 1).term();
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

    /** The term of the entry at index, which must lie in [snapshotIndex, lastIndex]. */
    long term(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        Checks.check(index > snapshotIndex && index <= lastIndex(), "term of index %d asked outside the log [%d, %d]",
                index, snapshotIndex, lastIndex());
        return entry(index).term();
    }

    Entry entry(long index) {
        return entries.get((int) (index - snapshotIndex - 1));
    }

    /** Whether this log holds an entry with this index and term. */
    boolean matchTerm(long index, long term) {
        return index >= snapshotIndex && index <= lastIndex() && term(index) == term;
    }

    /** The election restriction (§3.6.1): is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long ourTerm = lastTerm();
        return otherLastTerm > ourTerm || (otherLastTerm == ourTerm && otherLastIndex >= lastIndex());
    }

    /** A leader appends a new entry of its own at the end. */
    void appendAsLeader(Entry entry) {
        Checks.check(entry.index() == lastIndex() + 1, "leader appends index %d after last index %d", entry.index(),
                lastIndex());
        Checks.check(entry.term() >= lastTerm(), "leader appends term %d after term %d", entry.term(), lastTerm());
        entries.add(entry);
    }

    /**
     * A follower merges entries that follow prevIndex, whose term is already known to match: entries it holds
     * are kept, the first conflicting one and everything after it is replaced. Returns the last index the
     * message covered.
     */
    long appendAsFollower(long prevIndex, List<Entry> incoming) {
        int position = 0;
        // Skip what we already hold (a duplicate or an overlapping retransmission).
        while (position < incoming.size()) {
            Entry candidate = incoming.get(position);
            if (candidate.index() <= snapshotIndex) {
                position++;
                continue;
            }
            if (candidate.index() > lastIndex() || term(candidate.index()) != candidate.term()) {
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
            if (conflict <= lastIndex()) {
                truncateFrom(conflict);
            }
            long previousTerm = lastTerm();
            for (int i = position; i < incoming.size(); i++) {
                long entryTerm = incoming.get(i).term();
                Checks.check(entryTerm >= previousTerm, "appended entry %d has a term below its predecessor's",
                        incoming.get(i).index());
                previousTerm = entryTerm;
            }
            entries.addAll(incoming.subList(position, incoming.size()));
        }
        return prevIndex + incoming.size();
    }

    private void truncateFrom(long index) {
        Checks.check(index > commitIndex, "truncation at %d would remove committed entries (commit %d)", index,
                commitIndex);
        entries.subList((int) (index - snapshotIndex - 1), entries.size()).clear();
        handedOutIndex = Math.min(handedOutIndex, index - 1);
        stableIndex = Math.min(stableIndex, index - 1);
    }

    /**
     * The largest index at or below index whose term is at most term, searching no lower than the snapshot.
     * Both sides use it to skip a whole conflicting term per round trip.
     */
    long findConflictByTerm(long index, long term) {
        long candidate = Math.min(index, lastIndex());
        while (candidate > snapshotIndex && term(candidate) > term) {
            candidate--;
        }
        return candidate;
    }

    /** Up to maxCount entries starting at from, at most maxBytes of them but at least one. */
    List<Entry> slice(long from, int maxCount, int maxBytes) {
        Checks.check(from > snapshotIndex, "slice from %d reaches below the log start %d", from, firstIndex());
        long end = Math.min(lastIndex() + 1, from + maxCount);
        if (from >= end) {
            return List.of();
        }
        int start = (int) (from - snapshotIndex - 1);
        int stop = (int) (end - snapshotIndex - 1);
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
        List<Entry> result = List.copyOf(entries.subList((int) (handedOutIndex - snapshotIndex), entries.size()));
        handedOutIndex = lastIndex();
        return result;
    }

    boolean hasUnpersisted() {
        return handedOutIndex < lastIndex();
    }

    /**
     * The runtime made entries up to (index, term) durable. If the log has since replaced that entry, the
     * acknowledgement is stale and changes nothing: a later persistence will cover the replacement.
     */
    void stableTo(long index, long term) {
        if (index > stableIndex && matchTerm(index, term) && index > snapshotIndex) {
            stableIndex = index;
        }
    }

    /** Committed entries not yet handed to the application; they count as handed out from now on. */
    List<Entry> takeCommittedToApply() {
        if (appliedIndex == commitIndex) {
            return List.of();
        }
        List<Entry> result = List.copyOf(entries.subList((int) (appliedIndex - snapshotIndex),
                (int) (commitIndex - snapshotIndex)));
        appliedIndex = commitIndex;
        return result;
    }

    boolean hasCommittedToApply() {
        return appliedIndex < commitIndex;
    }
}
