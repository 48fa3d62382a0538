package io.beacon.bench.peers.sofajraft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one operation of the SOFAJRaft peer's log: set key to value. Encoded as the key's UTF-8 length (a 4-byte
 * int), the key's bytes, then the value's bytes to the end of the entry; no protobuf, no serializer framework.
 */
record PutCommand(String key, byte[] value) {

    /** The log entry's data. */
    ByteBuffer encode() {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(Integer.BYTES + keyBytes.length + value.length);
        data.putInt(keyBytes.length).put(keyBytes).put(value);
        return data.flip();
    }

    /**
     * The command in a log entry's data, read from its position to its limit without moving either (JRaft hands
     * the state machine the entry's own buffer).
     */
    static PutCommand decode(ByteBuffer entry) {
        ByteBuffer data = entry.duplicate();
        if (data.remaining() < Integer.BYTES) {
            throw new IllegalArgumentException("a log entry of " + data.remaining() + " bytes is not a put");
        }
        int keyLength = data.getInt();
        if (keyLength < 0 || keyLength > data.remaining()) {
            throw new IllegalArgumentException("a key length of " + keyLength + " in an entry of "
                    + (data.remaining() + Integer.BYTES) + " bytes");
        }
        byte[] keyBytes = new byte[keyLength];
        data.get(keyBytes);
        byte[] value = new byte[data.remaining()];
        data.get(value);
        return new PutCommand(new String(keyBytes, StandardCharsets.UTF_8), value);
    }
}
