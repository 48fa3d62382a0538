package io.beacon.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * What recovery repaired on its way to a consistent state, each item also logged at WARN: torn tails cut off,
 * leftovers of interrupted writes removed, a log discarded because an installed snapshot replaced it.
 */
public record RecoveryReport(List<Repair> repairs) {
    public RecoveryReport {
        repairs = List.copyOf(repairs);
    }

    /** One repair: the file, the byte offset it starts at, and what was done. */
    public record Repair(Path file, long offset, String action) {
        @Override
        public String toString() {
            return action + " file=" + file + " offset=" + offset;
        }
    }
}
