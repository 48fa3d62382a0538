package io.beacon.storage;

import java.util.Arrays;

/** A growable list of primitive longs: a segment's record offsets and terms without boxing. */
final class LongList {
    private long[] values = new long[64];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    long get(int position) {
        if (position < 0 || position >= size) {
            throw new IndexOutOfBoundsException("position " + position + " of " + size);
        }
        return values[position];
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException("cannot truncate " + size + " values to " + newSize);
        }
        size = newSize;
    }
}
