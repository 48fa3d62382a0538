package io.beacon.bench.raft;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The application the snapshot benchmarks replicate: an in-memory map of small byte-string keys to small byte-string
 * values, changed only by put commands. It stands in for the registry's state in {@link SnapshotInstallBenchmark}
 * and {@link LogBoundSimulation}, so that a snapshot costs what a real one would: the whole map serialized, sent
 * and read back.
 *
 * <p>Command: {@code [key length: 1 byte][key][value]} (the value is the rest), made by {@link #put}. Snapshot: a
 * stream written with {@link DataOutputStream} — a format tag, the index it covers, the number of pairs, then every
 * pair in unsigned key order, each as {@code [key length: 1 byte][key][value length: 1 byte][value]} — so equal
 * maps give byte-identical snapshots on every replica. Restoring clears the map and reads it back; since the pairs
 * come sorted, the tree is built from them in linear time rather than by a million puts (which took ~270 ms of the
 * ~300 ms a 1M-pair install took in {@link SnapshotInstallBenchmark}, hiding the rest of the install path).
 *
 * <p>{@link #digest()} is a content hash kept up to date on every put and recomputed by a restore from what it
 * read, so two replicas can be compared in constant time; {@link #sameContent} compares them pair by pair.
 * Not thread-safe, like the {@link io.beacon.raft.RaftNode} it sits beside.
 */
final class KeyValueStateMachine implements StateMachine {
    private static final int FORMAT = 0x4B56_0001;
    private static final int MAX_LENGTH = 255;

    private static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    private TreeMap<byte[], byte[]> map = new TreeMap<>(KEY_ORDER);
    private long appliedIndex;
    /** Sum of {@link #pairHash} over the pairs held, modulo 2^64: independent of the order they were put in. */
    private long digest;

    /** The command that puts value under key; each at most 255 bytes. */
    static byte[] put(byte[] key, byte[] value) {
        if (key.length > MAX_LENGTH || value.length > MAX_LENGTH) {
            throw new IllegalArgumentException("keys and values are at most " + MAX_LENGTH + " bytes");
        }
        byte[] command = new byte[1 + key.length + value.length];
        command[0] = (byte) key.length;
        System.arraycopy(key, 0, command, 1, key.length);
        System.arraycopy(value, 0, command, 1 + key.length, value.length);
        return command;
    }

    @Override
    public Object apply(Entry entry) {
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("entry " + entry.index() + " applied after " + appliedIndex);
        }
        appliedIndex = entry.index();
        if (entry.type() == EntryType.COMMAND) {
            byte[] data = entry.data();
            int keyLength = data[0] & 0xFF;
            // A real application decodes each command into objects of its own; so does this one.
            byte[] key = Arrays.copyOfRange(data, 1, 1 + keyLength);
            byte[] value = Arrays.copyOfRange(data, 1 + keyLength, data.length);
            byte[] previous = map.put(key, value);
            if (previous != null) {
                digest -= pairHash(key, previous);
            }
            digest += pairHash(key, value);
        }
        return null;
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    /** A copy of the map; the simulations, which write their snapshots at once, use writeSnapshot instead. */
    @Override
    public FrozenState freeze() {
        long index = appliedIndex;
        SortedMap<byte[], byte[]> frozen = new TreeMap<>(map);
        return out -> writeSnapshot(index, frozen, out);
    }

    /** Writes the map as it is, without the copy freeze makes. */
    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        writeSnapshot(appliedIndex, map, out);
    }

    private static void writeSnapshot(long appliedIndex, SortedMap<byte[], byte[]> map, OutputStream out)
            throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeInt(FORMAT);
        data.writeLong(appliedIndex);
        data.writeInt(map.size());
        for (Map.Entry<byte[], byte[]> pair : map.entrySet()) {
            data.writeByte(pair.getKey().length);
            data.write(pair.getKey());
            data.writeByte(pair.getValue().length);
            data.write(pair.getValue());
        }
        data.flush();
    }

    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        if (data.readInt() != FORMAT) {
            throw new IOException("not a snapshot of this state machine");
        }
        long covered = data.readLong();
        if (covered != index) {
            throw new IOException("the snapshot covers index " + covered + ", not " + index);
        }
        int size = data.readInt();
        if (size < 0) {
            throw new IOException("a snapshot of " + size + " pairs");
        }
        map.clear();
        byte[][] keys = new byte[size][];
        byte[][] values = new byte[size][];
        long restoredDigest = 0;
        for (int i = 0; i < size; i++) {
            byte[] key = new byte[data.readUnsignedByte()];
            data.readFully(key);
            byte[] value = new byte[data.readUnsignedByte()];
            data.readFully(value);
            if (i > 0 && Arrays.compareUnsigned(keys[i - 1], key) >= 0) {
                throw new IOException("snapshot keys out of order at pair " + i);
            }
            keys[i] = key;
            values[i] = value;
            restoredDigest += pairHash(key, value);
        }
        if (data.read() != -1) {
            throw new IOException("bytes after the last pair of the snapshot");
        }
        // The pairs come sorted: TreeMap builds its tree from a sorted map in linear time, not by one put each.
        map = new TreeMap<>(new SortedPairs(keys, values));
        digest = restoredDigest;
        appliedIndex = index;
    }

    int size() {
        return map.size();
    }

    long digest() {
        return digest;
    }

    /** Whether the other holds exactly the same pairs, compared one by one. */
    boolean sameContent(KeyValueStateMachine other) {
        if (map.size() != other.map.size()) {
            return false;
        }
        Iterator<Map.Entry<byte[], byte[]>> theirs = other.map.entrySet().iterator();
        for (Map.Entry<byte[], byte[]> pair : map.entrySet()) {
            Map.Entry<byte[], byte[]> their = theirs.next();
            if (!Arrays.equals(pair.getKey(), their.getKey()) || !Arrays.equals(pair.getValue(), their.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the key's length, the key and the value, then a 64-bit finalizer (SplitMix64's). */
    private static long pairHash(byte[] key, byte[] value) {
        long hash = (0xCBF2_9CE4_8422_2325L ^ key.length) * 0x100_0000_01B3L;
        for (byte b : key) {
            hash = (hash ^ (b & 0xFF)) * 0x100_0000_01B3L;
        }
        for (byte b : value) {
            hash = (hash ^ (b & 0xFF)) * 0x100_0000_01B3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        hash = (hash ^ (hash >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return hash ^ (hash >>> 31);
    }

    /**
     * Pairs read from a snapshot, already in key order, seen as a sorted map only so that {@code new TreeMap<>(...)}
     * takes its linear-time path for sorted input; it supports nothing else.
     */
    private static final class SortedPairs extends AbstractMap<byte[], byte[]> implements SortedMap<byte[], byte[]> {
        private final byte[][] keys;
        private final byte[][] values;

        SortedPairs(byte[][] keys, byte[][] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public Comparator<? super byte[]> comparator() {
            return KEY_ORDER;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public Set<Map.Entry<byte[], byte[]>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<byte[], byte[]>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        public Map.Entry<byte[], byte[]> next() {
                            if (next >= keys.length) {
                                throw new java.util.NoSuchElementException();
                            }
                            Map.Entry<byte[], byte[]> pair = new SimpleImmutableEntry<>(keys[next], values[next]);
                            next++;
                            return pair;
                        }
                    };
                }

                @Override
                public int size() {
                    return keys.length;
                }
            };
        }

        @Override
        public SortedMap<byte[], byte[]> subMap(byte[] fromKey, byte[] toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<byte[], byte[]> headMap(byte[] toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<byte[], byte[]> tailMap(byte[] fromKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] firstKey() {
            return keys[0];
        }

        @Override
        public byte[] lastKey() {
            return keys[keys.length - 1];
        }
    }
}
