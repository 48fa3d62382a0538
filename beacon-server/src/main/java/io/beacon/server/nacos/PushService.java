package io.beacon.server.nacos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.registry.model.ServiceKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * UDP push to Nacos 1.x subscribers, as nacos-client expects it: a client that polls {@code /instance/list} with a
 * {@code udpPort} subscribes {@code clientIP:udpPort} (not the packet's source) to that service and cluster list;
 * a change to a service is pushed to its subscribers once the changes of the next {@code merge} interval are
 * merged (a snapshot installed on this server counts as a change to every subscribed service); the packet is
 * {@code {"type":"dom","data":"<the list body>","lastRefTime":<id>}}, gzipped from 1024 bytes; an ack
 * ({@code push-ack} with the same lastRefTime, from the subscriber's address) ends it, else it is sent once more
 * after {@code resend} and then counted as failed; a subscriber not refreshed by a poll within {@code zombie} is
 * dropped (swept every {@code sweep}). Per subscriber, a push never goes back in time: a resend is dropped once a
 * newer push went out to the same subscriber.
 *
 * <p>All state belongs to one scheduler thread; the UDP event loop and the HTTP threads only post to it.
 */
public final class PushService implements ServiceChanges, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int GZIP_FROM_BYTES = 1024;

    /** When pushes leave and are given up. */
    public record Timing(Duration merge, Duration resend, Duration zombie, Duration sweep) {
        public static final Timing NACOS = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    /** What a subscriber asked to see: a service (grouped name) of a namespace, restricted to some clusters. */
    public record Subscription(String namespaceId, String serviceName, String clusters) {
    }

    /** Renders the {@code /instance/list} body a subscription sees now (with cacheMillis 10000). */
    public interface Views {
        String render(Subscription subscription);
    }

    /** Counters, for metrics and tests. */
    public record Stats(int subscribers, long pushed, long acknowledged, long failed) {
    }

    private record SubscriberKey(Subscription subscription, InetSocketAddress target) {
    }

    private static final class Subscriber {
        long lastSeenNanos;
        long lastPushId;
    }

    private record InFlight(SubscriberKey subscriber, byte[] packet, int sends) {
    }

    private final Views views;
    private final Timing timing;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("beacon-push", true));
    private final EventLoopGroup udpLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("beacon-push-udp", true));
    private final Map<String, Map<SubscriberKey, Subscriber>> byService = new TreeMap<>();
    private final Map<String, Boolean> changed = new LinkedHashMap<>();
    private final Map<Long, InFlight> inFlight = new LinkedHashMap<>();
    private final AtomicLong pushed = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile int subscriberCount;
    private long lastPushId;
    private Channel channel;

    public PushService(Views views, Timing timing) {
        this.views = views;
        this.timing = timing;
    }

    /** Opens the UDP socket (an ephemeral port on the host given) and starts sweeping zombies. */
    public void start(String host) throws IOException {
        io.netty.channel.ChannelFuture bound = new Bootstrap().group(udpLoop).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
                        byte[] bytes = ByteBufUtil.getBytes(packet.content());
                        InetSocketAddress from = packet.sender();
                        scheduler.execute(() -> acknowledged(bytes, from));
                    }
                })
                .bind(new InetSocketAddress(host, 0)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot open the UDP push socket on " + host + ": " + bound.cause(), bound.cause());
        }
        channel = bound.channel();
        long sweep = timing.sweep().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepZombies, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** The UDP address pushes leave from (acks come back here). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** A poll from a push-capable client: subscribes it, or keeps its subscription alive. */
    public void subscribe(Subscription subscription, InetSocketAddress target) {
        long now = System.nanoTime();
        scheduler.execute(() -> {
            Subscriber subscriber = byService.computeIfAbsent(serviceKey(subscription.namespaceId(),
                    subscription.serviceName()), key -> new LinkedHashMap<>())
                    .computeIfAbsent(new SubscriberKey(subscription, target), key -> new Subscriber());
            subscriber.lastSeenNanos = now;
            countSubscribers();
        });
    }

    /** A service changed: its subscribers get one push for all changes of the next merge interval. */
    public void serviceChanged(String namespaceId, String serviceName) {
        String key = serviceKey(namespaceId, serviceName);
        scheduler.execute(() -> markChanged(key));
    }

    @Override
    public void serviceChanged(ServiceKey service) {
        serviceChanged(service.namespaceId(), service.groupedName());
    }

    /**
     * The whole registry was replaced (a snapshot was installed): every subscribed service is treated as changed.
     * Lists that did not change are pushed too: that costs one push per subscriber per snapshot install, which is
     * rare, and needs no memory of what each subscriber was sent; nacos-client tells its listeners nothing about
     * a list equal to the one it holds.
     */
    @Override
    public void everyServiceChanged() {
        scheduler.execute(() -> byService.keySet().forEach(this::markChanged));
    }

    public Stats stats() {
        return new Stats(subscriberCount, pushed.get(), acknowledged.get(), failed.get());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        udpLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String serviceKey(String namespaceId, String serviceName) {
        return namespaceId + "##" + serviceName;
    }

    // ---- the scheduler thread ----

    /** Pushes the service's list to its subscribers at the end of this merge interval, if it has any. */
    private void markChanged(String key) {
        if (byService.containsKey(key) && changed.put(key, Boolean.TRUE) == null) {
            scheduler.schedule(() -> push(key), timing.merge().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void push(String key) {
        changed.remove(key);
        Map<SubscriberKey, Subscriber> subscribers = byService.get(key);
        if (subscribers == null) {
            return;
        }
        Map<Subscription, String> rendered = new TreeMap<>(java.util.Comparator
                .comparing(Subscription::namespaceId).thenComparing(Subscription::serviceName)
                .thenComparing(Subscription::clusters));
        for (Map.Entry<SubscriberKey, Subscriber> entry : subscribers.entrySet()) {
            SubscriberKey subscriberKey = entry.getKey();
            String data = rendered.computeIfAbsent(subscriberKey.subscription(), views::render);
            long id = nextPushId();
            byte[] packet;
            try {
                packet = packet(data, id);
            } catch (IOException e) {
                LOG.warn("cannot build a push packet for {}: {}", subscriberKey, e.toString());
                continue;
            }
            entry.getValue().lastPushId = id;
            send(new InFlight(subscriberKey, packet, 1), id);
        }
    }

    private void send(InFlight push, long id) {
        inFlight.put(id, push);
        pushed.incrementAndGet();
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(push.packet()), push.subscriber().target()));
        scheduler.schedule(() -> resendOrGiveUp(id), timing.resend().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resendOrGiveUp(long id) {
        InFlight push = inFlight.remove(id);
        if (push == null) {
            return; // acknowledged
        }
        Subscriber subscriber = subscriberOf(push.subscriber());
        if (subscriber == null || subscriber.lastPushId != id) {
            return; // gone, or a newer push went out: this one must not arrive after it
        }
        if (push.sends() >= 2) {
            failed.incrementAndGet();
            return;
        }
        send(new InFlight(push.subscriber(), push.packet(), push.sends() + 1), id);
    }

    private Subscriber subscriberOf(SubscriberKey key) {
        Map<SubscriberKey, Subscriber> subscribers = byService.get(serviceKey(key.subscription().namespaceId(),
                key.subscription().serviceName()));
        return subscribers == null ? null : subscribers.get(key);
    }

    private void acknowledged(byte[] bytes, InetSocketAddress from) {
        JsonNode ack;
        try {
            ack = JSON.readTree(bytes);
        } catch (IOException e) {
            LOG.debug("not an ack from {}: {}", from, e.toString());
            return;
        }
        if (ack == null || !ack.path("type").asText().equals("push-ack")) {
            return;
        }
        long id;
        try {
            id = Long.parseLong(ack.path("lastRefTime").asText());
        } catch (NumberFormatException e) {
            return;
        }
        InFlight push = inFlight.get(id);
        if (push != null && push.subscriber().target().getAddress().equals(from.getAddress())) {
            inFlight.remove(id);
            acknowledged.incrementAndGet();
        }
    }

    private void sweepZombies() {
        long oldest = System.nanoTime() - timing.zombie().toNanos();
        for (Iterator<Map<SubscriberKey, Subscriber>> services = byService.values().iterator(); services.hasNext(); ) {
            Map<SubscriberKey, Subscriber> subscribers = services.next();
            subscribers.values().removeIf(subscriber -> subscriber.lastSeenNanos - oldest < 0);
            if (subscribers.isEmpty()) {
                services.remove();
            }
        }
        countSubscribers();
    }

    private void countSubscribers() {
        subscriberCount = byService.values().stream().mapToInt(Map::size).sum();
    }

    /** Unique and increasing: acks are matched by it, and the client may compare it. */
    private long nextPushId() {
        lastPushId = Math.max(lastPushId + 1, System.nanoTime());
        return lastPushId;
    }

    static byte[] packet(String data, long id) throws IOException {
        ObjectNode packet = JSON.createObjectNode();
        packet.put("type", "dom");
        packet.put("data", data);
        packet.put("lastRefTime", id);
        byte[] bytes = JSON.writeValueAsBytes(packet);
        if (bytes.length < GZIP_FROM_BYTES) {
            return bytes;
        }
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(bytes);
        }
        return zipped.toByteArray();
    }
}
