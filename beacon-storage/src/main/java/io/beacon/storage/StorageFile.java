package io.beacon.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file, read and written at explicit positions. Nothing written is durable before {@link #force()}. */
public interface StorageFile extends Closeable {
    long size() throws IOException;

    /** Reads into dst from position until dst is full or the file ends; returns the bytes read. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of src at position. */
    void write(ByteBuffer src, long position) throws IOException;

    void truncate(long size) throws IOException;

    /** Makes everything written (and any truncation) durable; the file's data only, not its directory entry. */
    void force() throws IOException;

    /** Reads exactly length bytes at position, or fails naming what is missing. */
    default byte[] readFully(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        int read = read(buffer, position);
        if (read < length) {
            throw new IOException("short read: " + read + " of " + length + " bytes at offset " + position);
        }
        return buffer.array();
    }
}
