package io.beacon.registry.command;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The binary building blocks shared by the command and snapshot formats: strings, string maps, keys, instances
 * and definitions, big-endian through DataOutput/DataInput. Reading is strict (lengths and counts are bounded,
 * booleans are 0 or 1, strings are valid UTF-8) so that damaged bytes fail with an IOException that says what is
 * wrong instead of producing a wrong state. Owns no state.
 */
public final class Wire {
    /** Upper bound of one string's encoded length; larger lengths can only come from damaged bytes. */
    public static final int MAX_STRING_BYTES = 1 << 20;
    /** Upper bound of one count (map entries, list items, services, instances). */
    public static final int MAX_COUNT = 1 << 24;

    private Wire() {
    }

    public static void writeString(DataOutput out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds " + MAX_STRING_BYTES);
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static String readString(DataInput in, String what) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException(what + " has an impossible length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(what + " is not valid UTF-8", e);
        }
    }

    public static int readCount(DataInput in, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_COUNT) {
            throw new IOException(what + " has an impossible count " + count);
        }
        return count;
    }

    public static boolean readBoolean(DataInput in, String what) throws IOException {
        byte value = in.readByte();
        if (value != 0 && value != 1) {
            throw new IOException(what + " is not a boolean (byte " + value + ")");
        }
        return value == 1;
    }

    public static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> entry : new TreeMap<>(map).entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    public static SortedMap<String, String> readStringMap(DataInput in, String what) throws IOException {
        int count = readCount(in, what);
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String key = readString(in, what + " key");
            map.put(key, readString(in, what + " value of " + key));
        }
        if (map.size() != count) {
            throw new IOException(what + " repeats a key");
        }
        return map;
    }

    public static void writeServiceKey(DataOutput out, ServiceKey key) throws IOException {
        writeString(out, key.namespaceId());
        writeString(out, key.groupName());
        writeString(out, key.serviceName());
    }

    public static ServiceKey readServiceKey(DataInput in) throws IOException {
        String namespaceId = readString(in, "namespace id");
        String groupName = readString(in, "group name");
        String serviceName = readString(in, "service name");
        try {
            return new ServiceKey(namespaceId, groupName, serviceName);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed service key: " + e.getMessage(), e);
        }
    }

    public static void writeInstanceKey(DataOutput out, InstanceKey key) throws IOException {
        writeServiceKey(out, key.service());
        writeString(out, key.clusterName());
        writeEndpoint(out, key);
    }

    public static InstanceKey readInstanceKey(DataInput in) throws IOException {
        ServiceKey service = readServiceKey(in);
        String clusterName = readString(in, "cluster name");
        return readEndpoint(in, service, clusterName);
    }

    /** Writes the instance with its full key. */
    public static void writeInstance(DataOutput out, Instance instance) throws IOException {
        writeServiceKey(out, instance.key().service());
        writeString(out, instance.key().clusterName());
        writeInstanceInCluster(out, instance);
    }

    public static Instance readInstance(DataInput in) throws IOException {
        ServiceKey service = readServiceKey(in);
        String clusterName = readString(in, "cluster name");
        return readInstanceInCluster(in, service, clusterName);
    }

    /** Writes the instance without its service and cluster, which the reader already knows. */
    public static void writeInstanceInCluster(DataOutput out, Instance instance) throws IOException {
        writeEndpoint(out, instance.key());
        out.writeDouble(instance.weight());
        out.writeBoolean(instance.healthy());
        out.writeBoolean(instance.enabled());
        out.writeBoolean(instance.ephemeral());
        out.writeBoolean(instance.marked());
        writeStringMap(out, instance.metadata());
    }

    public static Instance readInstanceInCluster(DataInput in, ServiceKey service, String clusterName)
            throws IOException {
        InstanceKey key = readEndpoint(in, service, clusterName);
        double weight = in.readDouble();
        boolean healthy = readBoolean(in, "healthy of " + key);
        boolean enabled = readBoolean(in, "enabled of " + key);
        boolean ephemeral = readBoolean(in, "ephemeral of " + key);
        boolean marked = readBoolean(in, "marked of " + key);
        SortedMap<String, String> metadata = readStringMap(in, "metadata of " + key);
        return new Instance(key, weight, healthy, enabled, ephemeral, marked, metadata);
    }

    public static void writeDefinition(DataOutput out, ServiceDefinition definition) throws IOException {
        out.writeDouble(definition.protectThreshold());
        writeStringMap(out, definition.metadata());
        writeString(out, definition.selector().type());
        writeString(out, definition.selector().expression());
    }

    public static ServiceDefinition readDefinition(DataInput in) throws IOException {
        double protectThreshold = in.readDouble();
        SortedMap<String, String> metadata = readStringMap(in, "service metadata");
        String type = readString(in, "selector type");
        String expression = readString(in, "selector expression");
        try {
            return new ServiceDefinition(protectThreshold, metadata, new Selector(type, expression));
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed selector: " + e.getMessage(), e);
        }
    }

    private static void writeEndpoint(DataOutput out, InstanceKey key) throws IOException {
        writeString(out, key.ip());
        out.writeInt(key.port());
    }

    private static InstanceKey readEndpoint(DataInput in, ServiceKey service, String clusterName) throws IOException {
        String ip = readString(in, "instance ip");
        int port = in.readInt();
        try {
            return new InstanceKey(service, clusterName, ip, port);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed instance key: " + e.getMessage(), e);
        }
    }
}
