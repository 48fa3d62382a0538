package io.beacon.testkit.sim;

import io.beacon.raft.Entry;

import java.util.Arrays;

/**
 * The chained hash of a log, one value per index: h(i) = mix(h(i-1), term, type, data). Two logs with the same
 * hash at an index hold the same entries up to it, which makes the Log Matching property cheap to check.
 */
final class HashChain {
    private long[] hashes = new long[1024];
    private long[] terms = new long[1024];
    private int size;

    long size() {
        return size;
    }

    long hashAt(long index) {
        return index == 0 ? 0 : hashes[(int) index - 1];
    }

    long termAt(long index) {
        return index == 0 ? 0 : terms[(int) index - 1];
    }

    /** Appends an entry, first dropping everything from its index on. Returns the entry's chained hash. */
    long put(Entry entry) {
        if (entry.index() > size + 1) {
            throw new SimulationFailure("log gap: entry " + entry.index() + " after index " + size);
        }
        size = (int) entry.index() - 1;
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        long hash = chain(hashAt(size), entry);
        hashes[size] = hash;
        terms[size] = entry.term();
        size++;
        return hash;
    }

    void truncateTo(long index) {
        size = (int) Math.min(size, index);
    }

    /**
     * Takes the other chain's hashes up to index, where this chain holds nothing or the same entries (a snapshot
     * of the other's history replaces this log's prefix); entries after index stay.
     */
    void adoptPrefix(HashChain other, long index) {
        if (other.size < index) {
            throw new SimulationFailure("a snapshot at " + index + " is beyond the committed history " + other.size);
        }
        while (hashes.length < index) {
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
            terms = Arrays.copyOf(terms, terms.length * 2);
        }
        System.arraycopy(other.hashes, 0, hashes, 0, (int) index);
        System.arraycopy(other.terms, 0, terms, 0, (int) index);
        size = (int) Math.max(size, index);
    }

    void copyFrom(HashChain other) {
        hashes = Arrays.copyOf(other.hashes, other.hashes.length);
        terms = Arrays.copyOf(other.terms, other.terms.length);
        size = other.size;
    }

    static long chain(long previous, Entry entry) {
        long hash = previous * 0x9E3779B97F4A7C15L + entry.term();
        hash = mix(hash ^ entry.index()) + entry.type().ordinal();
        for (byte b : entry.data()) {
            hash = (hash ^ b) * 0x100000001B3L;
        }
        return mix(hash);
    }

    static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
