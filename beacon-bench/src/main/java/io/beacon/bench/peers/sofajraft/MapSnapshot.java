package io.beacon.bench.peers.sofajraft;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The key-value map as one snapshot file: the number of entries, then per entry the key (modified UTF-8, as
 * {@link DataOutputStream#writeUTF}), the value's length and the value. Written and forced to disk before JRaft is
 * told the snapshot is done.
 */
final class MapSnapshot {
    /** The file's name inside JRaft's snapshot directory. */
    static final String FILE_NAME = "kv-map";

    private MapSnapshot() {
    }

    /** Writes map to file (replacing it) and forces it to disk. */
    static void write(Map<String, byte[]> map, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // Not closed: closing the stream would close the channel before force().
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
                    64 * 1024));
            out.writeInt(map.size());
            for (Map.Entry<String, byte[]> entry : map.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeInt(entry.getValue().length);
                out.write(entry.getValue());
            }
            out.flush();
            channel.force(true);
        }
    }

    /** The map a file written by {@link #write} holds. */
    static Map<String, byte[]> read(Path file) throws IOException {
        try (InputStream stream = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 64 * 1024))) {
            int size = in.readInt();
            if (size < 0) {
                throw new IOException("a snapshot of " + size + " entries: " + file);
            }
            Map<String, byte[]> map = new HashMap<>(Math.max(16, size * 2));
            for (int i = 0; i < size; i++) {
                String key = in.readUTF();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                map.put(key, value);
            }
            return map;
        }
    }
}
