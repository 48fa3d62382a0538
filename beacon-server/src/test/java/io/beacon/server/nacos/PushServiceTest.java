package io.beacon.server.nacos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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

    private void start() throws Exception {
        push = new PushService(subscription -> {
            renders.incrementAndGet();
            return bodies.getOrDefault(subscription.serviceName(), "{}");
        }, FAST);
        push.start("127.0.0.1");
        client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        client.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
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
}
