package io.beacon.bench.raft;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One snapshot as the benchmarks' runtime keeps it in memory, in place of a file: a list of byte segments, never
 * one array (a snapshot of gigabytes would not fit one), written through {@link #output()} when a node takes a
 * snapshot or {@link #append appended} chunk by chunk as a follower receives one (the chunk arrays are kept as
 * they are, not copied). {@link #read} copies a range out, as reading a file would, to answer a leader's
 * {@link io.beacon.raft.SnapshotRead}; {@link #input()} streams the whole for a restore.
 */
final class SnapshotBytes {
    private static final int SEGMENT_BYTES = 1 << 20;

    private final ArrayList<byte[]> segments = new ArrayList<>();
    /** Where each segment starts; the same length as segments. */
    private long[] starts = new long[16];
    private long size;
    /** The last segment made by {@link #output()} and how much of it is used; null once full or appended to. */
    private byte[] open;
    private int openUsed;

    long size() {
        return size;
    }

    /** A stream that appends to these bytes; close it (or just stop writing) before reading them. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                while (length > 0) {
                    if (open == null || openUsed == open.length) {
                        open = new byte[SEGMENT_BYTES];
                        openUsed = 0;
                        addSegment(open);
                    }
                    int n = Math.min(length, open.length - openUsed);
                    System.arraycopy(bytes, offset, open, openUsed, n);
                    openUsed += n;
                    size += n;
                    offset += n;
                    length -= n;
                }
            }
        };
    }

    /** Appends a received chunk, keeping the array itself. */
    void append(byte[] chunk) {
        trimOpen();
        addSegment(chunk);
        size += chunk.length;
    }

    /** A copy of at most maxBytes from offset (fewer at the end). */
    byte[] read(long offset, int maxBytes) {
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset " + offset + " outside a snapshot of " + size + " bytes");
        }
        byte[] result = new byte[(int) Math.min(maxBytes, size - offset)];
        int segment = Arrays.binarySearch(starts, 0, segments.size(), offset);
        if (segment < 0) {
            segment = -segment - 2;
        }
        int copied = 0;
        while (copied < result.length) {
            byte[] bytes = segments.get(segment);
            int from = (int) (offset + copied - starts[segment]);
            int n = Math.min(result.length - copied, used(segment) - from);
            System.arraycopy(bytes, from, result, copied, n);
            copied += n;
            segment++;
        }
        return result;
    }

    /** The whole snapshot as a stream, without copying it into one array. */
    InputStream input() {
        List<InputStream> parts = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            parts.add(new ByteArrayInputStream(segments.get(i), 0, used(i)));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    private int used(int segment) {
        return segments.get(segment) == open ? openUsed : segments.get(segment).length;
    }

    private void addSegment(byte[] segment) {
        if (segments.size() == starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[segments.size()] = size;
        segments.add(segment);
    }

    /** Stops writing into the open segment, so that appended chunks follow its used part. */
    private void trimOpen() {
        if (open != null) {
            segments.set(segments.size() - 1, Arrays.copyOf(open, openUsed));
            open = null;
        }
    }
}
