package io.beacon.server.kv;

import com.google.protobuf.ByteString;
import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;
import io.beacon.server.kv.proto.Condition;
import io.beacon.server.kv.proto.KvCommand;
import io.beacon.server.kv.proto.KvRecord;
import io.beacon.server.kv.proto.KvSnapshotHeader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.TreeMap;

/**
 * The native key-value store, replicated by the log: keys to values with etcd-style revisions (the store's
 * revision goes up by one with every change; each key remembers the revision that created it and the one that
 * last changed it, and how many times it changed). Puts and deletes may carry a condition, which makes them
 * compare-and-set. Deterministic: it reads no clock and iterates keys in order.
 *
 * <p>Each key's slot is held twice: in key order, for snapshots, and by hash, for the apply path. A write to a key
 * that exists finds its slot by hash and replaces what the slot holds, leaving the ordered map alone: with a
 * hundred thousand keys a sorted tree costs a write some thirty string comparisons, most of them cache misses,
 * and that was the largest single cost of applying a write. Only new and deleted keys touch both maps.
 *
 * <p>Reads may come from any thread; the apply thread writes under the same lock.
 */
public final class KvStore implements StateMachine {
    public static final int COMMAND_VERSION = 1;

    private final TreeMap<String, Slot> ordered = new TreeMap<>();
    private final HashMap<String, Slot> byHash = new HashMap<>();
    private long revision;
    private volatile long appliedIndex;

    /** A stored key. */
    public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {
    }

    /** Where one key's current state is kept; shared by both maps. */
    private static final class Slot {
        KeyValue current;

        Slot(KeyValue current) {
            this.current = current;
        }
    }

    /** What a command did: whether it took effect, the store's revision after it, and the key as it is now. */
    public record Outcome(boolean succeeded, long revision, KeyValue current) {
    }

    public static byte[] put(String key, byte[] value, Condition condition) {
        io.beacon.server.kv.proto.Put.Builder put = io.beacon.server.kv.proto.Put.newBuilder().setKey(key)
                .setValue(ByteString.copyFrom(value));
        if (condition != null) {
            put.setCondition(condition);
        }
        return KvCommand.newBuilder().setVersion(COMMAND_VERSION).setPut(put).build().toByteArray();
    }

    public static byte[] delete(String key, Condition condition) {
        io.beacon.server.kv.proto.Delete.Builder delete = io.beacon.server.kv.proto.Delete.newBuilder().setKey(key);
        if (condition != null) {
            delete.setCondition(condition);
        }
        return KvCommand.newBuilder().setVersion(COMMAND_VERSION).setDelete(delete).build().toByteArray();
    }

    @Override
    public synchronized Object apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.type() != EntryType.COMMAND) {
            return null;
        }
        KvCommand command;
        try {
            command = KvCommand.parseFrom(entry.data());
        } catch (IOException e) {
            throw new IllegalStateException("entry " + entry.index() + " is not a key-value command", e);
        }
        if (command.getVersion() != COMMAND_VERSION) {
            throw new IllegalStateException("entry " + entry.index() + " has command version " + command.getVersion()
                    + "; this build applies version " + COMMAND_VERSION);
        }
        return switch (command.getKindCase()) {
            case PUT -> applyPut(command.getPut());
            case DELETE -> applyDelete(command.getDelete());
            case KIND_NOT_SET -> throw new IllegalStateException("entry " + entry.index() + " holds an empty command");
        };
    }

    private Outcome applyPut(io.beacon.server.kv.proto.Put put) {
        Slot slot = byHash.get(put.getKey());
        KeyValue current = slot == null ? null : slot.current;
        if (put.hasCondition() && !holds(put.getCondition(), current)) {
            return new Outcome(false, revision, current);
        }
        revision++;
        KeyValue next = current == null
                ? new KeyValue(put.getKey(), put.getValue().toByteArray(), revision, revision, 1)
                : new KeyValue(put.getKey(), put.getValue().toByteArray(), current.createRevision(), revision,
                current.version() + 1);
        if (slot == null) {
            slot = new Slot(next);
            byHash.put(next.key(), slot);
            ordered.put(next.key(), slot);
        } else {
            slot.current = next;
        }
        return new Outcome(true, revision, next);
    }

    private Outcome applyDelete(io.beacon.server.kv.proto.Delete delete) {
        KeyValue current = get(delete.getKey());
        if (current == null || delete.hasCondition() && !holds(delete.getCondition(), current)) {
            return new Outcome(false, revision, current);
        }
        revision++;
        byHash.remove(delete.getKey());
        ordered.remove(delete.getKey());
        return new Outcome(true, revision, null);
    }

    private static boolean holds(Condition condition, KeyValue current) {
        return switch (condition.getExpectCase()) {
            case VALUE -> current != null && ByteString.copyFrom(current.value()).equals(condition.getValue());
            case MOD_REVISION -> condition.getModRevision() == 0 ? current == null
                    : current != null && current.modRevision() == condition.getModRevision();
            case EXPECT_NOT_SET -> true;
        };
    }

    /** The key as this replica holds it now, or null. */
    public synchronized KeyValue get(String key) {
        Slot slot = byHash.get(key);
        return slot == null ? null : slot.current;
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized int size() {
        return byHash.size();
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * The keys in order as they are now: a reference to each key's current record, which no later write changes
     * (a write replaces a slot's record), so the records are shared rather than copied.
     */
    @Override
    public synchronized FrozenState freeze() {
        KeyValue[] keys = new KeyValue[ordered.size()];
        int i = 0;
        for (Slot slot : ordered.values()) {
            keys[i++] = slot.current;
        }
        long frozenRevision = revision;
        return out -> writeSnapshot(frozenRevision, keys, out);
    }

    private static void writeSnapshot(long revision, KeyValue[] keys, OutputStream out) throws IOException {
        KvSnapshotHeader.newBuilder().setVersion(COMMAND_VERSION).setRevision(revision).setKeys(keys.length)
                .build().writeDelimitedTo(out);
        for (KeyValue kv : keys) {
            KvRecord.newBuilder().setKey(kv.key()).setValue(ByteString.copyFrom(kv.value()))
                    .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision())
                    .setVersion(kv.version()).build().writeDelimitedTo(out);
        }
        out.flush();
    }

    @Override
    public synchronized void restoreSnapshot(InputStream in, long index) throws IOException {
        KvSnapshotHeader header = KvSnapshotHeader.parseDelimitedFrom(in);
        if (header == null || header.getVersion() != COMMAND_VERSION) {
            throw new IOException("snapshot at " + index + " is not a key-value snapshot this build reads");
        }
        TreeMap<String, Slot> restored = new TreeMap<>();
        for (long i = 0; i < header.getKeys(); i++) {
            KvRecord record = KvRecord.parseDelimitedFrom(in);
            if (record == null) {
                throw new IOException("snapshot at " + index + " ends after " + i + " of " + header.getKeys() + " keys");
            }
            restored.put(record.getKey(), new Slot(new KeyValue(record.getKey(), record.getValue().toByteArray(),
                    record.getCreateRevision(), record.getModRevision(), record.getVersion())));
        }
        ordered.clear();
        ordered.putAll(restored);
        byHash.clear();
        byHash.putAll(restored);
        revision = header.getRevision();
        appliedIndex = index;
    }
}
