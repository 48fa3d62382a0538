package io.beacon.registry;

import io.beacon.raft.StateMachine;
import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.beacon.registry.TestRegistry.key;
import static io.beacon.registry.TestRegistry.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snapshots of the whole registry: round trip, and every kind of damage refused with the old state kept. */
class RegistrySnapshotTest {
    private final TestRegistry source = new TestRegistry();

    RegistrySnapshotTest() {
        source.applied(Commands.createService(5, new ServiceKey("dev", "G", "billing"),
                new ServiceDefinition(0.3, Map.of("owner", "a"), Selector.label("x=y"))));
        source.applied(Commands.registerInstance(6, new Instance(key("orders", "blue", "10.0.0.1", 80), 3, true,
                false, true, true, Map.of("zone", "a"))));
        source.applied(Commands.registerInstance(7, Instance.of(key("orders", "10.0.0.2", 81)).withEphemeral(false)));
        source.applied(Commands.setInstanceHealth(8, key("orders", "10.0.0.2", 81), false));
        source.applied(Commands.updateCluster(9, service("orders"), "blue", Map.of("env", "prod")));
        source.applied(Commands.updateSwitches(10, Map.of(RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL, "false")));
    }

    @Test
    void aRestoredRegistryAnswersAsTheOriginalAndWritesTheSameBytes() throws IOException {
        byte[] snapshot = source.snapshot();

        NamingRegistry restored = TestRegistry.restored(snapshot, 42);

        assertThat(restored.appliedIndex()).isEqualTo(42);
        assertThat(TestRegistry.snapshotOf(restored)).isEqualTo(snapshot);
        assertThat(restored.service(service("orders"))).isEqualTo(source.registry.service(service("orders")));
        assertThat(restored.service(new ServiceKey("dev", "G", "billing")))
                .isEqualTo(source.registry.service(new ServiceKey("dev", "G", "billing")));
        assertThat(restored.instances(service("orders"))).isEqualTo(source.registry.instances(service("orders")));
        assertThat(restored.instanceList(service("orders"), "", false))
                .isEqualTo(source.registry.instanceList(service("orders"), "", false));
        assertThat(restored.switches().all()).isEqualTo(source.registry.switches().all());
        assertThat(restored.switches().defaultInstanceEphemeral()).isFalse();
    }

    @Test
    void aFrozenRegistryWritesTheStateItWasFrozenInWhateverIsAppliedSince() throws IOException {
        byte[] expected = source.snapshot();
        StateMachine.FrozenState frozen = source.registry.freeze();
        // Change every structure the snapshot walks: a service's definition, a cluster's metadata and instances,
        // the switches, a new service and a deleted one.
        source.applied(Commands.updateService(11, new ServiceKey("dev", "G", "billing"),
                new ServiceDefinition(0.9, Map.of("owner", "b"), Selector.NONE)));
        source.applied(Commands.updateCluster(12, service("orders"), "blue", Map.of("env", "test")));
        source.applied(Commands.registerInstance(13, Instance.of(key("orders", "blue", "10.0.0.3", 82))));
        source.applied(Commands.deregisterInstance(14, key("orders", "10.0.0.2", 81)));
        source.applied(Commands.updateSwitches(15, Map.of(RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL, "true")));
        source.applied(Commands.registerInstance(16, Instance.of(key("payments", "10.0.0.4", 83))));
        source.applied(Commands.deleteService(17, new ServiceKey("dev", "G", "billing")));
        assertThat(source.snapshot()).as("the live registry moved on").isNotEqualTo(expected);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        frozen.writeTo(written);
        assertThat(written.toByteArray()).isEqualTo(expected);
    }

    @Test
    void anEmptyRegistryRoundTrips() throws IOException {
        byte[] empty = TestRegistry.snapshotOf(new NamingRegistry());
        assertThat(TestRegistry.snapshotOf(TestRegistry.restored(empty, 1))).isEqualTo(empty);
        assertThat(TestRegistry.restored(empty, 1).serviceCount()).isZero();
    }

    @Test
    void restoringReplacesTheWholeStateAndTellsListeners() throws IOException {
        TestRegistry other = new TestRegistry();
        other.applied(Commands.registerInstance(1, Instance.of(key("stale", "10.9.9.9", 1))));
        List<List<Instance>> told = new ArrayList<>();
        other.registry.addListener(new RegistryListener() {
            @Override
            public void applied(ApplyResult.Applied result) {
            }

            @Override
            public void restored(List<Instance> ephemeralInstances) {
                told.add(ephemeralInstances);
            }
        });

        other.registry.restoreSnapshot(new ByteArrayInputStream(source.snapshot()), 9);

        assertThat(other.registry.service(service("stale"))).isEmpty();
        assertThat(other.snapshot()).isEqualTo(source.snapshot());
        assertThat(told).containsExactly(List.of(source.registry.instance(key("orders", "blue", "10.0.0.1", 80))
                .orElseThrow()));
    }

    @Test
    void everyFlippedBitIsRefusedAndTheStateStays() {
        byte[] snapshot = source.snapshot();
        TestRegistry target = targetWithState();
        byte[] before = target.snapshot();
        for (int position = 0; position < snapshot.length; position++) {
            byte[] damaged = snapshot.clone();
            damaged[position] ^= (byte) (1 << (position % 8));
            assertThatThrownBy(() -> target.registry.restoreSnapshot(new ByteArrayInputStream(damaged), 99))
                    .as("flipped bit in byte %d", position).isInstanceOf(IOException.class)
                    .hasMessageContaining("registry snapshot at index 99");
            assertThat(target.snapshot()).isEqualTo(before);
            assertThat(target.registry.appliedIndex()).isEqualTo(target.index());
        }
    }

    @Test
    void aFlippedByteInTheBodyIsCaughtByTheChecksum() {
        byte[] damaged = source.snapshot();
        int weightOffset = indexOf(damaged, ByteBuffer.allocate(8).putDouble(3.0).array());
        damaged[weightOffset + 1] ^= 1;

        assertThatThrownBy(() -> TestRegistry.restored(damaged, 3)).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum does not match");
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] snapshot = source.snapshot();
        TestRegistry target = targetWithState();
        byte[] before = target.snapshot();
        for (int length = 0; length < snapshot.length; length++) {
            byte[] truncated = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> target.registry.restoreSnapshot(new ByteArrayInputStream(truncated), 7))
                    .isInstanceOf(IOException.class).hasMessageContaining("is truncated while reading");
            assertThat(target.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void wrongMagicUnknownVersionAndTrailingBytesAreNamed() {
        byte[] snapshot = source.snapshot();
        byte[] magic = snapshot.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> TestRegistry.restored(magic, 1)).hasMessageContaining("not a registry snapshot");
        byte[] version = snapshot.clone();
        version[7] = 2;
        assertThatThrownBy(() -> TestRegistry.restored(version, 1)).hasMessageContaining("format version 2 is unknown");
        byte[] trailing = Arrays.copyOf(snapshot, snapshot.length + 1);
        assertThatThrownBy(() -> TestRegistry.restored(trailing, 1)).hasMessageContaining("bytes follow its checksum");
    }

    @Test
    void aWellSummedSnapshotWithARepeatedServiceIsStillRefused() {
        TestRegistry one = new TestRegistry();
        one.applied(Commands.createService(1, service("orders"), ServiceDefinition.DEFAULT));
        byte[] snapshot = one.snapshot();
        // magic, version, switch count (0), service count (1), the service, checksum
        byte[] service = Arrays.copyOfRange(snapshot, 16, snapshot.length - 8);
        ByteBuffer body = ByteBuffer.allocate(16 + 2 * service.length);
        body.put(snapshot, 0, 12).putInt(2).put(service).put(service);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.array());
        byte[] repeated = ByteBuffer.allocate(body.capacity() + 8).put(body.array()).putLong(crc.getValue()).array();

        assertThatThrownBy(() -> TestRegistry.restored(repeated, 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("service 2 of 2").hasMessageContaining("appears twice");
    }

    private static TestRegistry targetWithState() {
        TestRegistry target = new TestRegistry();
        target.applied(Commands.registerInstance(1, Instance.of(key("kept", "10.1.1.1", 1))));
        target.applied(Commands.createService(2, service("also-kept"), ServiceDefinition.DEFAULT));
        return target;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
