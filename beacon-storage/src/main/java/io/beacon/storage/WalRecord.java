package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one log entry in a segment:
 * <pre>
 *   int   length    bytes after the checksum field: 18 + payload
 *   int   crc32c    over those bytes
 *   byte  flags     bit 0: the first record written after an fsync of this file (a batch start)
 *   byte  type      {@link EntryType} ordinal
 *   long  term
 *   long  index
 *   bytes payload
 * </pre>
 * Batch starts are what lets recovery tell a torn tail from damage before it: only the bytes written since the
 * last fsync can be torn by a crash, and those never contain a batch start other than their first record.
 */
final class WalRecord {
    static final int PREFIX_BYTES = 8;
    static final int FIXED_BYTES = 18;
    static final int HEADER_BYTES = PREFIX_BYTES + FIXED_BYTES;
    static final byte BATCH_START = 1;
    private static final EntryType[] TYPES = EntryType.values();

    private WalRecord() {
    }

    static int encodedSize(Entry entry) {
        return HEADER_BYTES + entry.data().length;
    }

    /** Writes one record at the buffer's position, which must have room for {@link #encodedSize}. */
    static void encode(Entry entry, boolean batchStart, ByteBuffer buffer) {
        int start = buffer.position();
        byte[] payload = entry.data();
        buffer.putInt(FIXED_BYTES + payload.length);
        buffer.putInt(0);
        buffer.put(batchStart ? BATCH_START : 0);
        buffer.put((byte) entry.type().ordinal());
        buffer.putLong(entry.term());
        buffer.putLong(entry.index());
        buffer.put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(start + PREFIX_BYTES).limit(buffer.position()));
        buffer.putInt(start + 4, (int) crc.getValue());
    }

    /**
     * Checks the record at offset of a segment's bytes. Returns null if it is whole and its checksum matches,
     * else what is wrong with it. Does not check its index or term against its neighbours.
     */
    static String problemAt(ByteBuffer segment, int offset, int maxPayloadBytes) {
        int remaining = segment.limit() - offset;
        if (remaining < PREFIX_BYTES) {
            return "partial record header (" + remaining + " bytes)";
        }
        int length = segment.getInt(offset);
        if (length < FIXED_BYTES || length - FIXED_BYTES > maxPayloadBytes) {
            return "implausible record length " + length;
        }
        if (length > remaining - PREFIX_BYTES) {
            return "record of " + length + " bytes runs past the end of the file (" + remaining + " bytes left)";
        }
        CRC32C crc = new CRC32C();
        crc.update(segment.duplicate().position(offset + PREFIX_BYTES).limit(offset + PREFIX_BYTES + length));
        if ((int) crc.getValue() != segment.getInt(offset + 4)) {
            return "checksum mismatch";
        }
        int type = segment.get(offset + 9);
        if (type < 0 || type >= TYPES.length) {
            return "unknown entry type " + type;
        }
        return null;
    }

    /** The bytes the record at offset takes, prefix included; the record must be valid. */
    static int size(ByteBuffer segment, int offset) {
        return PREFIX_BYTES + segment.getInt(offset);
    }

    static boolean isBatchStart(ByteBuffer segment, int offset) {
        return (segment.get(offset + PREFIX_BYTES) & BATCH_START) != 0;
    }

    static long term(ByteBuffer segment, int offset) {
        return segment.getLong(offset + 10);
    }

    static long index(ByteBuffer segment, int offset) {
        return segment.getLong(offset + 18);
    }

    /** Decodes a valid record into an entry with its own copy of the payload. */
    static Entry decode(ByteBuffer segment, int offset) {
        int payloadLength = segment.getInt(offset) - FIXED_BYTES;
        byte[] payload = new byte[payloadLength];
        segment.get(offset + HEADER_BYTES, payload);
        EntryType type = TYPES[segment.get(offset + 9)];
        return new Entry(index(segment, offset), term(segment, offset), type, payload);
    }
}
