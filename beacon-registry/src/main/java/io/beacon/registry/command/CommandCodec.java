package io.beacon.registry.command;

import io.beacon.registry.command.Command.CreateService;
import io.beacon.registry.command.Command.DeleteService;
import io.beacon.registry.command.Command.DeregisterInstance;
import io.beacon.registry.command.Command.RegisterInstance;
import io.beacon.registry.command.Command.RemoveInstances;
import io.beacon.registry.command.Command.SetInstanceHealth;
import io.beacon.registry.command.Command.UpdateCluster;
import io.beacon.registry.command.Command.UpdateInstance;
import io.beacon.registry.command.Command.UpdateService;
import io.beacon.registry.command.Command.UpdateSwitches;
import io.beacon.registry.model.InstanceKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary format of one registry command, version {@value #FORMAT_VERSION}:
 * {@code [format version: byte][type: byte][leader's stamp: long millis][body]}, the body per type in
 * {@link Wire}'s encodings, and nothing after it. A new field or type means a new format version; a build applies
 * only the versions it knows. Owns the format only; never decides what a command does.
 */
public final class CommandCodec {
    public static final int FORMAT_VERSION = 1;

    private static final byte REGISTER_INSTANCE = 1;
    private static final byte DEREGISTER_INSTANCE = 2;
    private static final byte UPDATE_INSTANCE = 3;
    private static final byte CREATE_SERVICE = 4;
    private static final byte UPDATE_SERVICE = 5;
    private static final byte DELETE_SERVICE = 6;
    private static final byte UPDATE_CLUSTER = 7;
    private static final byte SET_INSTANCE_HEALTH = 8;
    private static final byte REMOVE_INSTANCES = 9;
    private static final byte UPDATE_SWITCHES = 10;

    private CommandCodec() {
    }

    public static byte[] encode(long stampMillis, Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(typeOf(command));
            out.writeLong(stampMillis);
            writeBody(out, command);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a command; anything but a whole, well-formed command of a known version is refused. */
    public static StampedCommand decode(byte[] data) {
        if (data.length < 2) {
            throw new MalformedCommandException("a registry command needs at least 2 bytes, got " + data.length, null);
        }
        int version = data[0];
        if (version != FORMAT_VERSION) {
            throw new MalformedCommandException("registry command format version " + version
                    + " is unknown; this build reads version " + FORMAT_VERSION, null);
        }
        byte type = data[1];
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 2, data.length - 2))) {
            long stampMillis = in.readLong();
            Command command = readBody(in, type);
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes follow the command");
            }
            return new StampedCommand(stampMillis, command);
        } catch (EOFException e) {
            throw new MalformedCommandException("registry command of type " + type + " is truncated ("
                    + data.length + " bytes)", e);
        } catch (IOException e) {
            throw new MalformedCommandException("registry command of type " + type + " is malformed: "
                    + e.getMessage(), e);
        }
    }

    private static byte typeOf(Command command) {
        if (command instanceof RegisterInstance) {
            return REGISTER_INSTANCE;
        } else if (command instanceof DeregisterInstance) {
            return DEREGISTER_INSTANCE;
        } else if (command instanceof UpdateInstance) {
            return UPDATE_INSTANCE;
        } else if (command instanceof CreateService) {
            return CREATE_SERVICE;
        } else if (command instanceof UpdateService) {
            return UPDATE_SERVICE;
        } else if (command instanceof DeleteService) {
            return DELETE_SERVICE;
        } else if (command instanceof UpdateCluster) {
            return UPDATE_CLUSTER;
        } else if (command instanceof SetInstanceHealth) {
            return SET_INSTANCE_HEALTH;
        } else if (command instanceof RemoveInstances) {
            return REMOVE_INSTANCES;
        } else if (command instanceof UpdateSwitches) {
            return UPDATE_SWITCHES;
        }
        throw new IllegalArgumentException("no encoding for " + command);
    }

    private static void writeBody(DataOutputStream out, Command command) throws IOException {
        if (command instanceof RegisterInstance c) {
            Wire.writeInstance(out, c.instance());
        } else if (command instanceof DeregisterInstance c) {
            Wire.writeInstanceKey(out, c.key());
        } else if (command instanceof UpdateInstance c) {
            Wire.writeInstance(out, c.instance());
        } else if (command instanceof CreateService c) {
            Wire.writeServiceKey(out, c.key());
            Wire.writeDefinition(out, c.definition());
        } else if (command instanceof UpdateService c) {
            Wire.writeServiceKey(out, c.key());
            Wire.writeDefinition(out, c.definition());
        } else if (command instanceof DeleteService c) {
            Wire.writeServiceKey(out, c.key());
        } else if (command instanceof UpdateCluster c) {
            Wire.writeServiceKey(out, c.key());
            Wire.writeString(out, c.clusterName());
            Wire.writeStringMap(out, c.metadata());
        } else if (command instanceof SetInstanceHealth c) {
            Wire.writeInstanceKey(out, c.key());
            out.writeBoolean(c.healthy());
        } else if (command instanceof RemoveInstances c) {
            out.writeInt(c.keys().size());
            for (InstanceKey key : c.keys()) {
                Wire.writeInstanceKey(out, key);
            }
        } else if (command instanceof UpdateSwitches c) {
            Wire.writeStringMap(out, c.entries());
        }
    }

    private static Command readBody(DataInputStream in, byte type) throws IOException {
        return switch (type) {
            case REGISTER_INSTANCE -> new RegisterInstance(Wire.readInstance(in));
            case DEREGISTER_INSTANCE -> new DeregisterInstance(Wire.readInstanceKey(in));
            case UPDATE_INSTANCE -> new UpdateInstance(Wire.readInstance(in));
            case CREATE_SERVICE -> new CreateService(Wire.readServiceKey(in), Wire.readDefinition(in));
            case UPDATE_SERVICE -> new UpdateService(Wire.readServiceKey(in), Wire.readDefinition(in));
            case DELETE_SERVICE -> new DeleteService(Wire.readServiceKey(in));
            case UPDATE_CLUSTER -> new UpdateCluster(Wire.readServiceKey(in), Wire.readString(in, "cluster name"),
                    Wire.readStringMap(in, "cluster metadata"));
            case SET_INSTANCE_HEALTH -> new SetInstanceHealth(Wire.readInstanceKey(in),
                    Wire.readBoolean(in, "healthy"));
            case REMOVE_INSTANCES -> {
                int count = Wire.readCount(in, "instances to remove");
                List<InstanceKey> keys = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    keys.add(Wire.readInstanceKey(in));
                }
                yield new RemoveInstances(keys);
            }
            case UPDATE_SWITCHES -> new UpdateSwitches(Wire.readStringMap(in, "switches"));
            default -> throw new IOException("command type " + type + " is unknown");
        };
    }
}
