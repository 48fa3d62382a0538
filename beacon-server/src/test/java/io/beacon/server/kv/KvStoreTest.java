package io.beacon.server.kv;

import com.google.protobuf.ByteString;
import io.beacon.raft.Entry;
import io.beacon.raft.StateMachine;
import io.beacon.server.kv.proto.Condition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvStoreTest {
    private final KvStore store = new KvStore();
    private long index;

    private KvStore.Outcome apply(byte[] command) {
        return (KvStore.Outcome) store.apply(Entry.command(++index, 1, command));
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putsKeepRevisionsAndVersions() {
        KvStore.Outcome first = apply(KvStore.put("a", text("1"), null));
        KvStore.Outcome second = apply(KvStore.put("a", text("2"), null));
        apply(KvStore.put("b", text("x"), null));

        assertThat(first.revision()).isEqualTo(1);
        assertThat(second.current().createRevision()).isEqualTo(1);
        assertThat(second.current().modRevision()).isEqualTo(2);
        assertThat(second.current().version()).isEqualTo(2);
        assertThat(store.get("a").value()).isEqualTo(text("2"));
        assertThat(store.revision()).isEqualTo(3);
        assertThat(store.appliedIndex()).isEqualTo(3);
    }

    @Test
    void compareAndSetByValueOrRevision() {
        apply(KvStore.put("a", text("1"), null));
        Condition wrongValue = Condition.newBuilder().setValue(ByteString.copyFromUtf8("0")).build();
        assertThat(apply(KvStore.put("a", text("2"), wrongValue)).succeeded()).isFalse();
        Condition rightValue = Condition.newBuilder().setValue(ByteString.copyFromUtf8("1")).build();
        assertThat(apply(KvStore.put("a", text("2"), rightValue)).succeeded()).isTrue();

        Condition staleRevision = Condition.newBuilder().setModRevision(1).build();
        KvStore.Outcome refused = apply(KvStore.put("a", text("3"), staleRevision));
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.current().modRevision()).isEqualTo(2);
        assertThat(store.revision()).as("a refused change changes nothing").isEqualTo(2);

        Condition absent = Condition.newBuilder().setModRevision(0).build();
        assertThat(apply(KvStore.put("a", text("4"), absent)).succeeded()).isFalse();
        assertThat(apply(KvStore.put("new", text("4"), absent)).succeeded()).isTrue();
    }

    @Test
    void deletesOnlyWhatExistsAndMatches() {
        assertThat(apply(KvStore.delete("a", null)).succeeded()).isFalse();
        apply(KvStore.put("a", text("1"), null));
        assertThat(apply(KvStore.delete("a", Condition.newBuilder().setModRevision(9).build())).succeeded()).isFalse();
        assertThat(apply(KvStore.delete("a", null)).succeeded()).isTrue();
        assertThat(store.get("a")).isNull();
        assertThat(store.revision()).isEqualTo(2);
    }

    @Test
    void aSnapshotRestoresTheSameStore() throws Exception {
        for (int i = 0; i < 100; i++) {
            apply(KvStore.put("key-" + (i % 37), text("value " + i), null));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeSnapshot(bytes);
        KvStore restored = new KvStore();
        restored.restoreSnapshot(new ByteArrayInputStream(bytes.toByteArray()), index);

        assertThat(restored.revision()).isEqualTo(store.revision());
        assertThat(restored.size()).isEqualTo(37);
        assertThat(restored.get("key-5").value()).isEqualTo(store.get("key-5").value());
        assertThat(restored.get("key-5").version()).isEqualTo(store.get("key-5").version());
        assertThat(restored.appliedIndex()).isEqualTo(index);
    }

    @Test
    void changesAfterARestoreReachTheNextSnapshot() throws Exception {
        for (int i = 0; i < 37; i++) {
            apply(KvStore.put("key-" + i, text("first"), null));
        }
        KvStore restored = new KvStore();
        restored.restoreSnapshot(new ByteArrayInputStream(snapshotOf(store)), index);
        restored.apply(Entry.command(++index, 1, KvStore.put("key-5", text("second"), null)));
        restored.apply(Entry.command(++index, 1, KvStore.delete("key-6", null)));
        restored.apply(Entry.command(++index, 1, KvStore.put("key-99", text("new"), null)));

        KvStore again = new KvStore();
        again.restoreSnapshot(new ByteArrayInputStream(snapshotOf(restored)), index);
        assertThat(again.get("key-5").value()).isEqualTo(text("second"));
        assertThat(again.get("key-5").version()).isEqualTo(2);
        assertThat(again.get("key-6")).isNull();
        assertThat(again.get("key-99").value()).isEqualTo(text("new"));
        assertThat(again.size()).isEqualTo(37);
        assertThat(again.revision()).isEqualTo(40);
    }

    @Test
    void aFrozenStoreWritesTheStateItWasFrozenInNotTheWritesAppliedSince() throws Exception {
        apply(KvStore.put("a", text("1"), null));
        apply(KvStore.put("b", text("1"), null));
        long frozenAt = index;
        StateMachine.FrozenState frozen = store.freeze();
        apply(KvStore.put("a", text("2"), null));
        apply(KvStore.delete("b", null));
        apply(KvStore.put("c", text("1"), null));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        frozen.writeTo(bytes);
        KvStore restored = new KvStore();
        restored.restoreSnapshot(new ByteArrayInputStream(bytes.toByteArray()), frozenAt);
        assertThat(restored.get("a").value()).isEqualTo(text("1"));
        assertThat(restored.get("a").version()).isEqualTo(1);
        assertThat(restored.get("b").value()).isEqualTo(text("1"));
        assertThat(restored.get("c")).isNull();
        assertThat(restored.revision()).isEqualTo(2);
        assertThat(store.get("a").value()).as("the live store moved on").isEqualTo(text("2"));
    }

    private static byte[] snapshotOf(KvStore store) throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeSnapshot(bytes);
        return bytes.toByteArray();
    }

    @Test
    void aSnapshotListsTheKeysInOrderWhateverOrderTheyCameIn() throws Exception {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keys.add("key-" + i);
        }
        java.util.Collections.shuffle(keys, new java.util.Random(7));
        keys.forEach(key -> apply(KvStore.put(key, text("v"), null)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeSnapshot(bytes);

        ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());
        assertThat(io.beacon.server.kv.proto.KvSnapshotHeader.parseDelimitedFrom(in).getKeys()).isEqualTo(1000);
        java.util.List<String> written = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            written.add(io.beacon.server.kv.proto.KvRecord.parseDelimitedFrom(in).getKey());
        }
        assertThat(written).as("replicas with the same keys write the same snapshot").isSorted()
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aTruncatedSnapshotOrAForeignCommandIsRefused() throws Exception {
        apply(KvStore.put("a", text("1"), null));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeSnapshot(bytes);
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 3);
        assertThatThrownBy(() -> new KvStore().restoreSnapshot(new ByteArrayInputStream(cut), 1))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> store.apply(Entry.command(++index, 1, new byte[] {(byte) 0xff, 1, 2})))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a key-value command");
    }
}
