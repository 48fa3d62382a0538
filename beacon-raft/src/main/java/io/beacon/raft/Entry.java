package io.beacon.raft;

import java.util.Arrays;

/**
 * One log entry. The data array belongs to the entry once created and is never modified afterwards:
 * entries are shared between the log, messages and the runtime without copying.
 */
public record Entry(long index, long term, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        Checks.check(index > 0, "entry index must be positive, was %d", index);
        Checks.check(term > 0, "entry term must be positive, was %d", term);
        if (type == null || data == null) {
            throw new IllegalArgumentException("entry type and data must not be null");
        }
    }

    public static Entry command(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.COMMAND, data);
    }

    public static Entry configuration(long index, long term, Configuration configuration) {
        return new Entry(index, term, EntryType.CONFIGURATION, configuration.encode());
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryType.NOOP, EMPTY);
    }

    /** Bytes this entry adds to a message, used to bound batches. */
    public int sizeInBytes() {
        return data.length + 24;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e && e.index == index && e.term == term && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
    }
}
