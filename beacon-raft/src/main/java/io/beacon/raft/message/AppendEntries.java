package io.beacon.raft.message;

import io.beacon.raft.Entry;

import java.util.List;

/**
 * The leader replicates entries that follow (prevLogIndex, prevLogTerm) in its log (§3.5). It may carry no
 * entries: then it probes where the follower's log matches, or carries a new commit index.
 */
public record AppendEntries(long term, long from, long to, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                            long leaderCommit) implements Message {

    public AppendEntries {
        entries = List.copyOf(entries);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).index() != prevLogIndex + 1 + i) {
                throw new IllegalArgumentException("AppendEntries entries must follow prevLogIndex " + prevLogIndex
                        + " without gaps, found index " + entries.get(i).index() + " at position " + i);
            }
        }
    }

    /** Index of the last entry this message would leave in a follower's log when accepted. */
    public long lastIndex() {
        return prevLogIndex + entries.size();
    }
}
