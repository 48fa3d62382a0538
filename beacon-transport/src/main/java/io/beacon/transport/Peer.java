package io.beacon.transport;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.InstallSnapshot;
import io.beacon.raft.message.Message;
import io.beacon.transport.proto.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * This member's connection to one peer, for sending: a bounded queue of messages waiting, the channel once its
 * handshake is done, and redialling with a capped, doubling backoff while the peer is away. A full queue drops new
 * messages (Raft resends what matters), so a slow or dead peer costs bounded memory and never holds up others.
 * Messages leave in the order they were queued, written in batches with one flush each.
 */
final class Peer {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    private final long memberId;
    private final TransportConfig config;
    private final Bootstrap bootstrap;
    private final LongConsumer onDisconnected;
    private volatile InetSocketAddress address;
    /** Waiting messages with the size each was counted at, so that leaving takes back exactly that. */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Channel channel;
    private boolean dialling;
    private boolean drainScheduled;
    private boolean closed;
    private long backoffMillis;
    private long sent;
    private long dropped;

    Peer(long memberId, InetSocketAddress address, TransportConfig config, Bootstrap bootstrap,
         LongConsumer onDisconnected) {
        this.memberId = memberId;
        this.address = address;
        this.config = config;
        this.bootstrap = bootstrap;
        this.onDisconnected = onDisconnected;
        this.backoffMillis = config.reconnectMin().toMillis();
    }

    long memberId() {
        return memberId;
    }

    /** Queues a message; false if it was dropped because the queue is full or the peer was removed. */
    boolean send(Message message) {
        return enqueue(new Queued(message, null, sizeOf(message)));
    }

    /** Queues a forwarded proposal or its answer, behind (and so after) every message queued before it. */
    boolean send(ForwardMessage message) {
        Frame frame = Frame.newBuilder().setForward(MessageCodec.encode(message)).build();
        return enqueue(new Queued(null, frame, frame.getSerializedSize()));
    }

    private boolean enqueue(Queued queued) {
        long size = queued.size();
        Channel ready;
        synchronized (this) {
            if (closed || queue.size() >= config.maxQueuedMessages()
                    || queuedBytes + size > config.maxQueuedBytes()) {
                dropped++;
                return false;
            }
            queue.add(queued);
            queuedBytes += size;
            if (channel == null) {
                dialIfIdle();
                return true;
            }
            if (drainScheduled) {
                return true;
            }
            drainScheduled = true;
            ready = channel;
        }
        ready.eventLoop().execute(() -> drain(ready));
        return true;
    }

    synchronized PeerStats stats() {
        return new PeerStats(memberId, channel != null, queue.size(), queuedBytes, sent, dropped);
    }

    void moveTo(InetSocketAddress newAddress) {
        address = newAddress;
    }

    /** Starts dialling if nothing is connected or being dialled (called with the lock held). */
    private void dialIfIdle() {
        if (closed || channel != null || dialling) {
            return;
        }
        dialling = true;
        Bootstrap dial = bootstrap.clone().handler(new PeerChannelInitializer(config, this));
        // A node's peer connections leave from the address it was configured with, so firewall rules on node
        // addresses apply to both directions (on loopback the kernel would otherwise pick 127.0.0.1).
        InetAddress own = config.bindAddress().getAddress();
        ChannelFuture connect = own == null || own.isAnyLocalAddress() ? dial.connect(address)
                : dial.connect(address, new InetSocketAddress(own, 0));
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                LOG.debug("cannot reach peer member={} address={} cause={}", memberId, address,
                        future.cause() == null ? "?" : future.cause().toString());
                redialLater(connect.channel());
            }
        });
    }

    /** The handshake on channel is done: messages may flow. */
    void connected(Channel connected) {
        synchronized (this) {
            dialling = false;
            backoffMillis = config.reconnectMin().toMillis();
            if (closed) {
                connected.close();
                return;
            }
            channel = connected;
            if (queue.isEmpty() || drainScheduled) {
                return;
            }
            drainScheduled = true;
        }
        drain(connected);
    }

    /** The channel can take more bytes again. */
    void writable() {
        Channel ready;
        synchronized (this) {
            if (channel == null || drainScheduled || queue.isEmpty()) {
                return;
            }
            drainScheduled = true;
            ready = channel;
        }
        drain(ready);
    }

    /** A connection ended (whether or not its handshake finished): dial again after the backoff. */
    void disconnected(Channel gone, boolean wasReady) {
        synchronized (this) {
            if (channel == gone) {
                channel = null;
                drainScheduled = false;
            }
        }
        if (wasReady) {
            onDisconnected.accept(memberId);
        }
        redialLater(gone);
    }

    synchronized void close() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        if (channel != null) {
            channel.close();
        }
    }

    private void redialLater(Channel failed) {
        long delay;
        synchronized (this) {
            dialling = false;
            if (closed || channel != null) {
                return;
            }
            delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, config.reconnectMax().toMillis());
            dialling = true;
        }
        failed.eventLoop().schedule(() -> {
            synchronized (this) {
                dialling = false;
                dialIfIdle();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** On the channel's event loop: writes what is queued while the channel takes it, then flushes once. */
    private void drain(Channel ready) {
        int written = 0;
        while (true) {
            Queued next;
            synchronized (this) {
                if (channel != ready || queue.isEmpty() || !ready.isWritable()) {
                    drainScheduled = false;
                    break;
                }
                next = queue.poll();
                queuedBytes -= next.size();
                sent++;
            }
            ready.write(next.frame(), ready.voidPromise());
            written++;
        }
        if (written > 0) {
            ready.flush();
        }
    }

    /** A Raft message (encoded when it leaves, on the I/O thread) or a frame encoded already. */
    private record Queued(Message raft, Frame encoded, long size) {
        Frame frame() {
            return encoded != null ? encoded : Frame.newBuilder().setRaft(MessageCodec.encode(raft)).build();
        }
    }

    /** Roughly the bytes a message takes on the wire, for the queue's bound. */
    static long sizeOf(Message message) {
        if (message instanceof AppendEntries append) {
            long bytes = 64;
            for (var entry : append.entries()) {
                bytes += entry.sizeInBytes();
            }
            return bytes;
        }
        if (message instanceof InstallSnapshot install) {
            return 128 + install.data().length;
        }
        return 64;
    }
}
