package io.beacon.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The 20 bytes at the start of every segment file: magic "BWAL", format version, the index of the segment's
 * first record, and a CRC32C of those 16 bytes. Segment files are named after their first index.
 */
final class SegmentHeader {
    static final int BYTES = 20;
    static final int MAGIC = 0x4257414C;
    static final int VERSION = 1;
    static final String SUFFIX = ".wal";

    private SegmentHeader() {
    }

    static String fileName(long firstIndex) {
        return String.format("%020d%s", firstIndex, SUFFIX);
    }

    /** The first index a segment file's name gives, or -1 if the name is not a segment's. */
    static long firstIndexOf(String fileName) {
        if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void encode(long firstIndex, ByteBuffer buffer) {
        int start = buffer.position();
        buffer.putInt(MAGIC).putInt(VERSION).putLong(firstIndex);
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(start).limit(start + 16));
        buffer.putInt((int) crc.getValue());
    }

    /**
     * What is wrong with the header at the start of segment (null if nothing), given the name's first index. A
     * problem is "torn" when a crash could have caused it — the header cut short, never written (zeros), or its
     * checksum off under the right magic (give or take two bits) — and not when the header is whole but of another
     * format or version.
     */
    static Problem problem(ByteBuffer segment, long expectedFirstIndex) {
        if (segment.limit() < BYTES) {
            return new Problem(segment.limit(), "partial segment header (" + segment.limit() + " bytes)", true);
        }
        boolean zeros = true;
        for (int i = 0; i < BYTES; i++) {
            zeros &= segment.get(i) == 0;
        }
        if (zeros) {
            return new Problem(0, "segment header never written (zeros)", true);
        }
        CRC32C crc = new CRC32C();
        crc.update(segment.duplicate().position(0).limit(16));
        boolean checksumMatches = (int) crc.getValue() == segment.getInt(16);
        if (segment.getInt(0) != MAGIC) {
            // A bit or two off under a bad checksum is damage to our own header; anything else is another format.
            boolean damaged = !checksumMatches && Integer.bitCount(segment.getInt(0) ^ MAGIC) <= 2;
            return new Problem(0, String.format("wrong magic number 0x%08x, not a Beacon log segment",
                    segment.getInt(0)), damaged);
        }
        if (!checksumMatches) {
            return new Problem(16, "segment header checksum mismatch", true);
        }
        if (segment.getInt(4) != VERSION) {
            return new Problem(4, "unsupported segment format version " + segment.getInt(4)
                    + " (this build reads version " + VERSION + ")", false);
        }
        if (segment.getLong(8) != expectedFirstIndex) {
            return new Problem(8, "header says first index " + segment.getLong(8) + " but the file is named for "
                    + expectedFirstIndex, false);
        }
        return null;
    }

    record Problem(long offset, String description, boolean torn) {
    }
}
