package io.beacon.bench.peers.sofajraft;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty HTTP/1.1 listener of a SOFAJRaft peer node: keep-alive connections, whole requests (bodies up to
 * 1 MiB) handed to one {@link KvHttpHandler}. One acceptor thread and two I/O threads, as Beacon's own HTTP
 * server has.
 */
final class HttpFront implements AutoCloseable {
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final EventLoopGroup acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("kv-http-accept"));
    private final EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("kv-http"));
    private Channel server;

    /** Listens on address; throws if it cannot. */
    void start(InetSocketAddress address, KvHttpHandler handler) throws IOException {
        ChannelFuture bound = new ServerBootstrap().group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY_BYTES),
                                handler);
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for HTTP on " + address + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        server = bound.channel();
    }

    /** Blocks until the listener closes. */
    void awaitClose() throws InterruptedException {
        server.closeFuture().sync();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
