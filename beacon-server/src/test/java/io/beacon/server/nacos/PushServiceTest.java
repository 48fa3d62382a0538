package io.beacon.server.nacos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.node.NodeOptions;
import io.beacon.node.NodeRuntime;
import io.beacon.raft.Entry;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceKey;
import io.beacon.server.ServerState;
import io.beacon.server.kv.KvStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A UDP socket in the test plays nacos-client's push receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PushService.Timing FAST = new PushService.Timing(Duration.ofMillis(200),
            Duration.ofMillis(400), Duration.ofMillis(1500), Duration.ofMillis(300));

    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final AtomicInteger renders = new AtomicInteger();
    private PushService push;
    private DatagramSocket client;

    @TempDir
    Path data;

    private NodeRuntime node;
    private NamingService naming;

    private void start() throws Exception {
        start(subscription -> {
            renders.incrementAndGet();
            return bodies.getOrDefault(subscription.serviceName(), "{}");
        });
    }

    private void start(PushService.Views views) throws Exception {
        push = new PushService(views, FAST);
        push.start("127.0.0.1");
        client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        client.setSoTimeout(3000);
    }

    @AfterEach
    void stop() throws Exception {
        if (naming != null) {
            naming.close();
        }
        if (node != null) {
            node.close();
        }
        if (push != null) {
            push.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", client.getLocalPort());
    }

    /** The next packet, unzipped if need be, with the address it came from. */
    private record Received(JsonNode json, InetSocketAddress from, boolean gzipped) {
    }

    private Received receive() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        client.receive(packet);
        byte[] bytes = Arrays.copyOf(packet.getData(), packet.getLength());
        boolean gzipped = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (gzipped) {
            bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
        }
        return new Received(JSON.readTree(bytes), (InetSocketAddress) packet.getSocketAddress(), gzipped);
    }

    private void ack(Received received) throws Exception {
        byte[] ack = ("{\"type\":\"push-ack\",\"lastRefTime\":\"" + received.json().get("lastRefTime").asLong()
                + "\",\"data\":\"\"}").getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(ack, ack.length, received.from()));
    }

    @Test
    void changesWithinTheMergeIntervalBecomeOnePushAndAnAckEndsIt() throws Exception {
        start();
        bodies.put("DEFAULT_GROUP@@orders", "{\"hosts\":[1]}");
        push.subscribe(new PushService.Subscription("public", "DEFAULT_GROUP@@orders", ""), clientAddress());
        for (int i = 0; i < 5; i++) {
            push.serviceChanged("public", "DEFAULT_GROUP@@orders");
        }
        push.serviceChanged("public", "DEFAULT_GROUP@@unwatched");
        Received received = receive();
        assertThat(received.json().get("type").asText()).isEqualTo("dom");
        assertThat(received.json().get("data").asText()).isEqualTo("{\"hosts\":[1]}");
        assertThat(received.gzipped()).isFalse();
        ack(received);
        client.setSoTimeout(1200);
        org.assertj.core.api.Assertions.assertThatThrownBy(this::receive)
                .as("merged into one push, and not resent once acknowledged").isInstanceOf(SocketTimeoutException.class);
        assertThat(push.stats().pushed()).isEqualTo(1);
        // The ack is handled on the push thread; on a loaded machine it may still be queued.
        for (int i = 0; i < 100 && push.stats().acknowledged() == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(push.stats().acknowledged()).isEqualTo(1);
        assertThat(renders.get()).isEqualTo(1);
    }

    @Test
    void anUnacknowledgedPushIsSentOnceMoreThenCountedFailed() throws Exception {
        start();
        push.subscribe(new PushService.Subscription("public", "g@@s", ""), clientAddress());
        push.serviceChanged("public", "g@@s");
        Received first = receive();
        Received again = receive();
        assertThat(again.json().get("lastRefTime").asLong()).isEqualTo(first.json().get("lastRefTime").asLong());
        client.setSoTimeout(1000);
        org.assertj.core.api.Assertions.assertThatThrownBy(this::receive).isInstanceOf(SocketTimeoutException.class);
        assertThat(push.stats().failed()).isEqualTo(1);
    }

    @Test
    void aLargeBodyIsGzippedAndPushIdsOnlyGoUp() throws Exception {
        start();
        bodies.put("g@@big", "{\"hosts\":\"" + "x".repeat(5000) + "\"}");
        push.subscribe(new PushService.Subscription("public", "g@@big", ""), clientAddress());
        push.serviceChanged("public", "g@@big");
        Received first = receive();
        assertThat(first.gzipped()).isTrue();
        assertThat(first.json().get("data").asText()).hasSize(5000 + 12);
        ack(first);
        push.serviceChanged("public", "g@@big");
        Received second = receive();
        assertThat(second.json().get("lastRefTime").asLong()).isGreaterThan(first.json().get("lastRefTime").asLong());
    }

    @Test
    void aResendNeverFollowsANewerPush() throws Exception {
        start();
        push.subscribe(new PushService.Subscription("public", "g@@s", ""), clientAddress());
        push.serviceChanged("public", "g@@s");
        Received first = receive();
        push.serviceChanged("public", "g@@s");
        Received second = receive();
        assertThat(second.json().get("lastRefTime").asLong()).isGreaterThan(first.json().get("lastRefTime").asLong());
        // first is never acknowledged; its resend would arrive after second: only second's resend may come
        Received third = receive();
        assertThat(third.json().get("lastRefTime").asLong()).isEqualTo(second.json().get("lastRefTime").asLong());
    }

    @Test
    void aSubscriberThatStopsPollingIsDropped() throws Exception {
        start();
        push.subscribe(new PushService.Subscription("public", "g@@s", ""), clientAddress());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (push.stats().subscribers() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(push.stats().subscribers()).isEqualTo(1);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (push.stats().subscribers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(push.stats().subscribers()).as("a zombie is swept").isZero();
        push.serviceChanged("public", "g@@s");
        client.setSoTimeout(800);
        org.assertj.core.api.Assertions.assertThatThrownBy(this::receive).isInstanceOf(SocketTimeoutException.class);
    }

    /** The registry command at this index, as the log carries it. */
    private static Entry registryEntry(long index, byte[] command) {
        return Entry.command(index, 1, ServerState.command(ServerState.REGISTRY, command));
    }

    private static List<String> hostIps(Received received) throws Exception {
        List<String> ips = new ArrayList<>();
        JSON.readTree(received.json().get("data").asText()).get("hosts")
                .forEach(host -> ips.add(host.get("ip").asText()));
        return ips;
    }

    @Test
    void aSnapshotInstalledOnTheServerIsPushedToItsSubscribers() throws Exception {
        // A follower's naming side as BeaconServer wires it (no HTTP, the member not started): its state is
        // changed here as its apply thread would change it.
        NamingRegistry registry = new NamingRegistry();
        ServerState state = new ServerState(List.of(new KvStore(), registry));
        node = NodeRuntime.open(NodeOptions.of(data.resolve("follower"), () -> 1L, List.of(1L), "test-cluster",
                "a cluster secret for the tests", new InetSocketAddress("127.0.0.1", 0)), state);
        start(new PushBodies(registry, System::currentTimeMillis));
        naming = new NamingService(node, registry, System::currentTimeMillis, push);
        InstanceKey first = new InstanceKey(ServiceKey.of("orders"), "DEFAULT", "10.0.0.1", 8080);
        InstanceKey second = new InstanceKey(ServiceKey.of("orders"), "DEFAULT", "10.0.0.2", 8080);
        push.subscribe(new PushService.Subscription("public", "DEFAULT_GROUP@@orders", ""), clientAddress());

        state.apply(registryEntry(1, Commands.registerInstance(1_000, Instance.of(first))));
        Received applied = receive();
        assertThat(hostIps(applied)).containsExactly("10.0.0.1");
        ack(applied);

        // The leader moved on and compacted its log: this server gets the leader's state as a snapshot.
        NamingRegistry leaderRegistry = new NamingRegistry();
        ServerState leader = new ServerState(List.of(new KvStore(), leaderRegistry));
        leader.apply(registryEntry(1, Commands.registerInstance(1_000, Instance.of(first))));
        leader.apply(registryEntry(2, Commands.registerInstance(2_000, Instance.of(second))));
        leader.apply(registryEntry(3, Commands.deregisterInstance(3_000, first)));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        leader.writeSnapshot(snapshot);
        state.restoreSnapshot(new ByteArrayInputStream(snapshot.toByteArray()), 3);

        Received restored = receive();
        assertThat(hostIps(restored)).as("the snapshot's list, pushed without waiting for a poll")
                .containsExactly("10.0.0.2");
        assertThat(restored.json().get("lastRefTime").asLong()).as("never back in time")
                .isGreaterThan(applied.json().get("lastRefTime").asLong());
        ack(restored);
    }
}
