package io.beacon.raft;

import java.util.List;

/**
 * What a node finds on its disk when it starts: its hard state, its latest snapshot (null if none) and the log
 * entries after it (any at or below the snapshot's index are ignored).
 */
public record PersistentState(HardState hardState, SnapshotMetadata snapshot, List<Entry> entries) {
    public static final PersistentState EMPTY = new PersistentState(HardState.INITIAL, null, List.of());

    public PersistentState {
        if (hardState == null || entries == null) {
            throw new IllegalArgumentException("hard state and entries must not be null");
        }
        entries = List.copyOf(entries);
    }
}
