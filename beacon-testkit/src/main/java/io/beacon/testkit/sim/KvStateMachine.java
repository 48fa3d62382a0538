package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key-value workload's state machine: string keys to string values, written or compared-and-set through the
 * log. It keeps an order-independent hash of its contents up to date with every write, so the simulator can compare
 * states at any index in constant time.
 */
final class KvStateMachine implements StateMachine, SimApplication {
    private final TreeMap<String, String> values = new TreeMap<>();
    private long appliedIndex;
    private long stateHash;

    /** Applies a committed entry; a command is applied unless it is a compare-and-set whose value differed. */
    @Override
    public ClientResponse apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.type() != EntryType.COMMAND) {
            return null;
        }
        KvCommand command = KvCommand.decode(entry.data());
        if (command.compareAndSet() && !command.expected().equals(values.get(command.key()))) {
            return new ClientResponse.Applied(false);
        }
        put(command.key(), command.value());
        return new ClientResponse.Applied(true);
    }

    @Override
    public byte[] command(ClientOperation operation, long clockMillis) {
        KvRequest request = (KvRequest) operation.request();
        return new KvCommand(operation.id(), request.key(), request.value(), request.expected(),
                request.kind() == KvRequest.Kind.CAS).encode();
    }

    @Override
    public ClientResponse read(ClientOperation operation) {
        return new ClientResponse.ReadValue(values.get(((KvRequest) operation.request()).key()));
    }

    private void put(String key, String value) {
        String previous = values.put(key, value);
        if (previous != null) {
            stateHash -= pairHash(key, previous);
        }
        stateHash += pairHash(key, value);
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public long stateHash() {
        return stateHash;
    }

    @Override
    public FrozenState freeze() {
        long index = appliedIndex;
        TreeMap<String, String> frozen = new TreeMap<>(values);
        return out -> writeSnapshot(index, frozen, out);
    }

    private static void writeSnapshot(long appliedIndex, TreeMap<String, String> values, OutputStream out)
            throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(appliedIndex);
        data.writeInt(values.size());
        for (Map.Entry<String, String> pair : values.entrySet()) {
            data.writeUTF(pair.getKey());
            data.writeUTF(pair.getValue());
        }
        data.flush();
    }

    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long covered = data.readLong();
        if (covered != index) {
            throw new IOException("snapshot covers index " + covered + ", expected " + index);
        }
        values.clear();
        stateHash = 0;
        int count = data.readInt();
        for (int i = 0; i < count; i++) {
            put(data.readUTF(), data.readUTF());
        }
        appliedIndex = index;
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeSnapshot(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot, long index) {
        try {
            restoreSnapshot(new ByteArrayInputStream(snapshot), index);
        } catch (IOException e) {
            throw new SimulationFailure("snapshot at " + index + " does not restore: " + e.getMessage());
        }
    }

    /** A snapshot missing one key (or with a spurious one). */
    @Override
    public byte[] snapshotMissingSomething() {
        KvStateMachine copy = fromSnapshot(snapshot(), appliedIndex);
        if (copy.values.isEmpty()) {
            copy.put("spurious", "value");
        } else {
            String first = copy.values.firstKey();
            copy.stateHash -= pairHash(first, copy.values.remove(first));
        }
        return copy.snapshot();
    }

    private static KvStateMachine fromSnapshot(byte[] snapshot, long index) {
        KvStateMachine machine = new KvStateMachine();
        machine.restore(snapshot, index);
        return machine;
    }

    private static long pairHash(String key, String value) {
        return HashChain.mix(key.hashCode() * 0x9E3779B97F4A7C15L + value.hashCode());
    }
}
