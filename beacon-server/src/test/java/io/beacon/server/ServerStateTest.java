package io.beacon.server;

import io.beacon.raft.Entry;
import io.beacon.server.kv.KvStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerStateTest {
    private final KvStore first = new KvStore();
    private final KvStore second = new KvStore();
    private final ServerState state = new ServerState(List.of(first, second));

    private static byte[] put(String key, String value) {
        return KvStore.put(key, value.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void aCommandGoesToThePartItsTagNamesAndOtherEntriesToAll() {
        state.apply(Entry.command(1, 1, ServerState.command(1, put("a", "in the first"))));
        state.apply(Entry.command(2, 1, ServerState.command(2, put("a", "in the second"))));
        state.apply(Entry.noop(3, 2));
        assertThat(new String(first.get("a").value(), StandardCharsets.UTF_8)).isEqualTo("in the first");
        assertThat(new String(second.get("a").value(), StandardCharsets.UTF_8)).isEqualTo("in the second");
        assertThat(state.appliedIndex()).isEqualTo(3);
        assertThat(first.appliedIndex()).isEqualTo(3);
        assertThat(second.appliedIndex()).isEqualTo(3);
    }

    @Test
    void aCommandWithAnUnknownTagIsRefused() {
        assertThatThrownBy(() -> state.apply(Entry.command(1, 1, ServerState.command(3, put("a", "x")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tag 3");
        assertThatThrownBy(() -> state.apply(Entry.command(1, 1, new byte[0])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tag 0");
    }

    @Test
    void aSnapshotRestoresEveryPartEvenLargeOnes() throws IOException {
        for (int i = 1; i <= 3000; i++) {
            // ~100 KiB per part: several chunks each
            state.apply(Entry.command(i, 1, ServerState.command(1 + i % 2, put("key-" + i, "v".repeat(60)))));
        }
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        state.writeSnapshot(snapshot);

        KvStore firstCopy = new KvStore();
        KvStore secondCopy = new KvStore();
        ServerState restored = new ServerState(List.of(firstCopy, secondCopy));
        restored.restoreSnapshot(new ByteArrayInputStream(snapshot.toByteArray()), 3000);
        assertThat(restored.appliedIndex()).isEqualTo(3000);
        assertThat(firstCopy.size()).isEqualTo(1500);
        assertThat(secondCopy.size()).isEqualTo(1500);
        assertThat(firstCopy.get("key-2").value()).isEqualTo(first.get("key-2").value());
        assertThat(secondCopy.get("key-3").value()).isEqualTo(second.get("key-3").value());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        restored.writeSnapshot(again);
        assertThat(again.toByteArray()).isEqualTo(snapshot.toByteArray());
    }

    @Test
    void aTruncatedOrForeignSnapshotIsRefused() throws IOException {
        state.apply(Entry.command(1, 1, ServerState.command(1, put("a", "1"))));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        state.writeSnapshot(snapshot);
        byte[] bytes = snapshot.toByteArray();
        ServerState restored = new ServerState(List.of(new KvStore(), new KvStore()));
        assertThatThrownBy(() -> restored.restoreSnapshot(
                new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3)), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> restored.restoreSnapshot(new ByteArrayInputStream("garbage!".getBytes()), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("not a Beacon state snapshot");
        assertThatThrownBy(() -> new ServerState(List.of(new KvStore())).restoreSnapshot(
                new ByteArrayInputStream(bytes), 1)).isInstanceOf(IOException.class).hasMessageContaining("2 parts");
    }
}
