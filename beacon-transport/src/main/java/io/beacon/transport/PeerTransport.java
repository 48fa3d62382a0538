package io.beacon.transport;

import io.beacon.raft.message.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * One member's peer transport: accepts peers' connections (and checks their handshake) and dials each peer it
 * sends to, so that each direction of a pair has its own connection. {@link #send} never blocks: a message goes
 * into that peer's bounded queue and leaves when the connection takes it.
 *
 * <p>The listener is called on a Netty event loop thread; it must hand work on rather than do it there.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

    /** What the transport tells its member. */
    public interface Listener {
        /** A message from a peer, after its connection's handshake; from and to are checked. */
        void onMessage(Message message);

        /** A proposal a follower forwards, or a leader's answer to one; from and to are checked. */
        void onForward(ForwardMessage message);

        /**
         * A peer's connection, from it or to it, ended after its handshake — closed or reset, as when its process
         * dies, never merely quiet (a partition ends nothing: timeouts handle those).
         */
        void onPeerDisconnected(long memberId);
    }

    private final TransportConfig config;
    private final Listener listener;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Bootstrap dialler;
    private final Map<Long, Peer> peers = new TreeMap<>();
    private volatile LongFunction<InetSocketAddress> resolver = memberId -> null;
    private Channel server;

    public PeerTransport(TransportConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
        this.acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("beacon-peer-accept", true));
        this.workers = new NioEventLoopGroup(2, new DefaultThreadFactory("beacon-peer-io", true));
        this.dialler = new Bootstrap().group(workers).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20));
    }

    /** Starts accepting peers on the configured address. */
    public void start() throws java.io.IOException {
        io.netty.channel.ChannelFuture bound = new ServerBootstrap().group(acceptors, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        FrameCodec.install(channel.pipeline(), config.maxFrameBytes());
                        channel.pipeline().addLast("handshake", new AnswererHandler(config, listener));
                    }
                })
                .bind(config.bindAddress()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new java.io.IOException("cannot listen for peers on " + config.bindAddress() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        LOG.info("peer transport listening member={} address={}", config.memberId(), server.localAddress());
    }

    /** Where peers reach this member (the bound port, if 0 was asked for). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Tells the transport where a peer listens (again, if it moved). */
    public synchronized void addPeer(long memberId, InetSocketAddress address) {
        if (memberId == config.memberId()) {
            throw new IllegalArgumentException("member " + memberId + " is this member");
        }
        Peer peer = peers.get(memberId);
        if (peer == null) {
            peers.put(memberId, new Peer(memberId, address, config, dialler, listener::onPeerDisconnected));
        } else {
            peer.moveTo(address);
        }
    }

    /**
     * Where to find members nobody added: asked once for each member a message is addressed to that the
     * transport does not know yet (null: drop the message). Lets a server find any incarnation of its peers.
     */
    public void resolveAddressesWith(LongFunction<InetSocketAddress> resolver) {
        this.resolver = resolver;
    }

    /** Forgets a peer: its queue is dropped and its connection closed. */
    public synchronized void removePeer(long memberId) {
        Peer peer = peers.remove(memberId);
        if (peer != null) {
            peer.close();
        }
    }

    /**
     * Sends a message to the peer it is addressed to. Returns false if it was dropped: the peer is unknown or its
     * queue is full. Never blocks.
     */
    public boolean send(Message message) {
        Peer peer = peerFor(message.to());
        return peer != null && peer.send(message);
    }

    /**
     * Sends a forwarded proposal or an answer to one, on the same connection and queue as the Raft messages to that
     * peer: it leaves after every message sent to the peer before it. Returns false if it was dropped.
     */
    public boolean send(ForwardMessage message) {
        Peer peer = peerFor(message.to());
        return peer != null && peer.send(message);
    }

    /** The peer for a member, asking the resolver about one not known yet; null if nobody knows where it is. */
    private synchronized Peer peerFor(long memberId) {
        Peer peer = peers.get(memberId);
        if (peer == null && memberId != config.memberId()) {
            InetSocketAddress address = resolver.apply(memberId);
            if (address != null) {
                peer = new Peer(memberId, address, config, dialler, listener::onPeerDisconnected);
                peers.put(memberId, peer);
            }
        }
        return peer;
    }

    /** The sending side of a peer, or null if it is unknown. */
    public synchronized PeerStats stats(long memberId) {
        Peer peer = peers.get(memberId);
        return peer == null ? null : peer.stats();
    }

    @Override
    public void close() {
        synchronized (this) {
            peers.values().forEach(Peer::close);
            peers.clear();
        }
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
