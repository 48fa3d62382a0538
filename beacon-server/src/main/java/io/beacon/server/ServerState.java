package io.beacon.server;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything one server replicates through its single Raft log: several state machines (the key-value store, the
 * naming registry), each owning its own commands. A command is one tag byte naming its part, then that part's
 * bytes; entries that are not commands go to every part. A snapshot holds each part's snapshot in turn, each as a
 * section of length-prefixed chunks ending with an empty chunk, so a part reads exactly its own bytes and the
 * parts' formats stay independent.
 */
public final class ServerState implements StateMachine {
    /** The tag of the key-value store's commands. */
    public static final int KV = 1;
    /** The tag of the naming registry's commands. */
    public static final int REGISTRY = 2;
    private static final int SNAPSHOT_MAGIC = 0x42535331; // "BSS1"
    private static final int CHUNK_BYTES = 64 << 10;

    private final List<StateMachine> parts;
    private volatile long appliedIndex;

    /** The parts, in tag order: the first is tag 1. */
    public ServerState(List<StateMachine> parts) {
        if (parts.isEmpty() || parts.size() > 127) {
            throw new IllegalArgumentException("between 1 and 127 parts, not " + parts.size());
        }
        this.parts = List.copyOf(parts);
    }

    /** A command for the part with this tag (1 for the first part). */
    public static byte[] command(int tag, byte[] partCommand) {
        byte[] tagged = new byte[partCommand.length + 1];
        tagged[0] = (byte) tag;
        System.arraycopy(partCommand, 0, tagged, 1, partCommand.length);
        return tagged;
    }

    @Override
    public Object apply(Entry entry) {
        Object result = null;
        if (entry.type() != EntryType.COMMAND) {
            for (StateMachine part : parts) {
                part.apply(entry);
            }
        } else {
            int tag = entry.data().length == 0 ? 0 : entry.data()[0];
            if (tag < 1 || tag > parts.size()) {
                throw new IllegalStateException("entry " + entry.index() + " names no part of the state (tag " + tag
                        + "); it was not written by this build");
            }
            Entry inner = new Entry(entry.index(), entry.term(), EntryType.COMMAND,
                    Arrays.copyOfRange(entry.data(), 1, entry.data().length));
            result = parts.get(tag - 1).apply(inner);
        }
        appliedIndex = entry.index();
        return result;
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Every part frozen at the same applied index: the apply thread changes none of them meanwhile. */
    @Override
    public FrozenState freeze() {
        List<FrozenState> frozenParts = new ArrayList<>(parts.size());
        for (StateMachine part : parts) {
            frozenParts.add(part.freeze());
        }
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(SNAPSHOT_MAGIC);
            data.writeInt(frozenParts.size());
            for (FrozenState part : frozenParts) {
                try (SectionOutput section = new SectionOutput(data)) {
                    part.writeTo(section);
                }
            }
            data.flush();
        };
    }

    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic;
        int count;
        try {
            magic = data.readInt();
            count = data.readInt();
        } catch (EOFException e) {
            throw new IOException("the snapshot ends before its header", e);
        }
        if (magic != SNAPSHOT_MAGIC) {
            throw new IOException("not a Beacon state snapshot (magic " + Integer.toHexString(magic) + ")");
        }
        if (count != parts.size()) {
            throw new IOException("the snapshot has " + count + " parts; this build has " + parts.size());
        }
        for (StateMachine part : parts) {
            SectionInput section = new SectionInput(data);
            part.restoreSnapshot(section, index);
            section.skipRest();
        }
        appliedIndex = index;
    }

    /** Writes what it is given as chunks of at most {@link #CHUNK_BYTES}, each after its length; 0 ends it. */
    private static final class SectionOutput extends FilterOutputStream {
        private final DataOutputStream target;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private int buffered;

        SectionOutput(DataOutputStream target) {
            super(target);
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            if (buffered == buffer.length) {
                flushChunk();
            }
            buffer[buffered++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (buffered == buffer.length) {
                    flushChunk();
                }
                int n = Math.min(length, buffer.length - buffered);
                System.arraycopy(bytes, offset, buffer, buffered, n);
                buffered += n;
                offset += n;
                length -= n;
            }
        }

        private void flushChunk() throws IOException {
            if (buffered > 0) {
                target.writeInt(buffered);
                target.write(buffer, 0, buffered);
                buffered = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            // Chunks are cut by size, not by the part's flushes.
        }

        /** Ends the section; the underlying stream stays open. */
        @Override
        public void close() throws IOException {
            flushChunk();
            target.writeInt(0);
        }
    }

    /** Reads one section's chunks as a stream that ends where the section does. */
    private static final class SectionInput extends InputStream {
        private final DataInputStream source;
        private int remaining;
        private boolean ended;

        SectionInput(DataInputStream source) {
            this.source = source;
        }

        private boolean nextChunk() throws IOException {
            while (remaining == 0 && !ended) {
                int length;
                try {
                    length = source.readInt();
                } catch (EOFException e) {
                    throw new IOException("the snapshot is truncated inside a section", e);
                }
                if (length < 0 || length > CHUNK_BYTES) {
                    throw new IOException("the snapshot is damaged: a chunk of " + length + " bytes");
                }
                if (length == 0) {
                    ended = true;
                }
                remaining = length;
            }
            return !ended || remaining > 0;
        }

        @Override
        public int read() throws IOException {
            if (!nextChunk()) {
                return -1;
            }
            int b = source.read();
            if (b < 0) {
                throw new IOException("the snapshot is truncated inside a chunk");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = source.read(bytes, offset, Math.min(length, remaining));
            if (n < 0) {
                throw new IOException("the snapshot is truncated inside a chunk");
            }
            remaining -= n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // a part may leave its section's tail unread (padding, fields of a newer minor version)
            }
        }
    }
}
