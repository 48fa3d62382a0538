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
 * The test state machine: string keys to string values, written or compared-and-set through the log. It keeps
 * an order-independent hash of its contents up to date with every write, so the simulator can compare states
 * at any index in constant time.
 */
final class KvStateMachine implements StateMachine {
    private final TreeMap<String, String> values = new TreeMap<>();
    private long appliedIndex;
    private long stateHash;

    /** Applies a committed entry; for a command, returns whether it took effect (a compare-and-set may not). */
    @Override
    public Boolean apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.type() != EntryType.COMMAND) {
            return null;
        }
        KvCommand command = KvCommand.decode(entry.data());
        if (command.compareAndSet() && !command.expected().equals(values.get(command.key()))) {
            return false;
        }
        put(command.key(), command.value());
        return true;
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

    String read(String key) {
        return values.get(key);
    }

    long stateHash() {
        return stateHash;
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
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

    byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeSnapshot(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Only for {@link Sabotage#CORRUPT_SNAPSHOT}: a snapshot missing one key (or with a spurious one). */
    byte[] snapshotWithoutFirstKey() {
        KvStateMachine copy = fromSnapshot(snapshot(), appliedIndex);
        if (copy.values.isEmpty()) {
            copy.put("spurious", "value");
        } else {
            String first = copy.values.firstKey();
            copy.stateHash -= pairHash(first, copy.values.remove(first));
        }
        return copy.snapshot();
    }

    static KvStateMachine fromSnapshot(byte[] snapshot, long index) {
        KvStateMachine machine = new KvStateMachine();
        try {
            machine.restoreSnapshot(new ByteArrayInputStream(snapshot), index);
        } catch (IOException e) {
            throw new SimulationFailure("snapshot at " + index + " does not restore: " + e.getMessage());
        }
        return machine;
    }

    TreeMap<String, String> contents() {
        return new TreeMap<>(values);
    }

    private static long pairHash(String key, String value) {
        return HashChain.mix(key.hashCode() * 0x9E3779B97F4A7C15L + value.hashCode());
    }
}
