package io.beacon.raft.message;

import io.beacon.raft.Configuration;

/**
 * One chunk of the leader's snapshot for a follower whose next entries the leader no longer holds (§5.3). Chunks
 * go one at a time, in order; the follower says where it stands after each, so a transfer resumes after a lost
 * chunk instead of starting over.
 *
 * @param snapshotIndex the last index the snapshot covers
 * @param snapshotTerm  the term of that entry
 * @param configuration the cluster configuration as of snapshotIndex
 * @param offset        where in the snapshot this chunk starts
 * @param last          whether this chunk ends the snapshot
 */
public record InstallSnapshot(long term, long from, long to, long snapshotIndex, long snapshotTerm,
                              Configuration configuration, long offset, byte[] data, boolean last) implements Message {

    public InstallSnapshot {
        if (snapshotIndex <= 0 || snapshotTerm <= 0 || offset < 0 || data == null || configuration == null) {
            throw new IllegalArgumentException("malformed InstallSnapshot: index " + snapshotIndex + " term "
                    + snapshotTerm + " offset " + offset);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InstallSnapshot o && o.term == term && o.from == from && o.to == to
                && o.snapshotIndex == snapshotIndex && o.snapshotTerm == snapshotTerm
                && o.configuration.equals(configuration) && o.offset == offset
                && java.util.Arrays.equals(o.data, data) && o.last == last;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(term, from, to, snapshotIndex, offset, data.length, last);
    }

    @Override
    public String toString() {
        return "InstallSnapshot[term=" + term + ", from=" + from + ", to=" + to + ", snapshotIndex=" + snapshotIndex
                + ", snapshotTerm=" + snapshotTerm + ", offset=" + offset + ", bytes=" + data.length + ", last=" + last
                + "]";
    }
}
