package io.beacon.raft;

/**
 * What a snapshot covers: the state machine after applying every entry up to {@code index} (whose term is
 * {@code term}), and the cluster configuration in force at that index.
 */
public record SnapshotMetadata(long index, long term, Configuration configuration) {
    public SnapshotMetadata {
        if (index < 0 || term < 0 || configuration == null || (index == 0) != (term == 0)) {
            throw new IllegalArgumentException("malformed snapshot metadata: index " + index + " term " + term);
        }
    }
}
