package io.beacon.raft;

/**
 * The AppendEntries messages a leader has in flight to one follower, as the last index each carried, in a
 * ring buffer of fixed capacity. A full window pauses replication to that follower (flow control).
 */
final class Inflights {
    private final long[] lastIndexes;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.lastIndexes = new long[capacity];
    }

    boolean isFull() {
        return count == lastIndexes.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        Checks.check(!isFull(), "inflight window overflow at index %d", lastIndex);
        if (count > 0) {
            long previous = lastIndexes[(start + count - 1) % lastIndexes.length];
            Checks.check(lastIndex > previous, "inflight indexes must grow: %d after %d", lastIndex, previous);
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Frees every message whose entries are all acknowledged by a match at index. */
    void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void clear() {
        start = 0;
        count = 0;
    }
}
