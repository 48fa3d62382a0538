package io.beacon.bench.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection of the benchmark's clients, one request at a time, without a thread of its
 * own: every connection of the process lives on one shared event loop, so that 128 clients cost the machine one
 * thread that handles whichever answers have arrived at each wake-up, not 128 threads each woken for its own
 * answer. On these 2-core machines a thread per client costs more CPU per request than a Beacon server does.
 *
 * <p>Dials at the first request. Each request is answered, or fails within timeoutMillis of being asked
 * ({@link TimeoutException}), or fails when the connection cannot be made or breaks (an IOException; after
 * either, the outcome of a write is unknown). A failed request closes the connection: an answer that comes late
 * must not be taken for the next request's. The next request dials again. Chunked answers are read whole.
 */
final class HttpKvConnection implements AutoCloseable {
    /** A status and the body's bytes. */
    record Answer(int status, byte[] body) {
    }

    private static final int MAX_ANSWER_BYTES = 1 << 20;
    private static final EventLoopGroup LOOP = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-http", true));

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final EventLoop loop = LOOP.next();
    // Touched on the event loop only.
    private Channel channel;
    private CompletableFuture<Answer> pending;
    private ScheduledFuture<?> deadline;
    private boolean closed;

    HttpKvConnection(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends a request (body may be empty; contentType null for none) and completes with its answer. */
    CompletableFuture<Answer> exchange(HttpMethod method, String pathAndQuery, byte[] body, String contentType) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, host);
        HttpUtil.setContentLength(request, body.length);
        if (contentType != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (loop.inEventLoop()) {
            send(request, answer);
        } else {
            loop.execute(() -> send(request, answer));
        }
        return answer;
    }

    private void send(FullHttpRequest request, CompletableFuture<Answer> answer) {
        if (closed) {
            request.release();
            answer.completeExceptionally(new IOException("the connection to " + host + ":" + port + " is closed"));
            return;
        }
        if (pending != null) {
            request.release();
            answer.completeExceptionally(new IllegalStateException("one request at a time on a connection"));
            return;
        }
        pending = answer;
        deadline = loop.schedule(() -> fail(new TimeoutException("no answer from " + host + ":" + port + " within "
                + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
        if (channel != null) {
            write(request);
            return;
        }
        ChannelFuture dialled = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel socket) {
                        socket.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES),
                                new AnswerHandler());
                    }
                })
                .connect(host, port);
        Channel dialling = dialled.channel();
        channel = dialling;
        dialled.addListener(connected -> {
            if (dialling != channel) {
                // The request already failed (its deadline passed, or close()) and dropped this connection.
                request.release();
            } else if (connected.isSuccess()) {
                write(request);
            } else {
                request.release();
                fail(connected.cause());
            }
        });
    }

    private void write(FullHttpRequest request) {
        Channel on = channel;
        on.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess() && on == channel) {
                fail(written.cause());
            }
        });
    }

    /** Fails the request waiting, if any, and drops the connection it was sent on. */
    private void fail(Throwable cause) {
        CompletableFuture<Answer> failed = pending;
        pending = null;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (failed != null) {
            failed.completeExceptionally(cause);
        }
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            fail(new IOException("the connection to " + host + ":" + port + " was closed"));
        });
    }

    private final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
            if (context.channel() != channel) {
                return;
            }
            CompletableFuture<Answer> answered = pending;
            if (answered == null) {
                fail(new IOException("an answer nobody asked for from " + host + ":" + port));
                return;
            }
            pending = null;
            deadline.cancel(false);
            deadline = null;
            if (!HttpUtil.isKeepAlive(response)) {
                channel.close();
                channel = null;
            }
            answered.complete(new Answer(response.status().code(), ByteBufUtil.getBytes(response.content())));
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (context.channel() == channel) {
                fail(new IOException("the connection to " + host + ":" + port + " broke"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (context.channel() == channel) {
                fail(cause instanceof Exception ? cause : new IOException(cause));
            } else {
                context.close();
            }
        }
    }
}
