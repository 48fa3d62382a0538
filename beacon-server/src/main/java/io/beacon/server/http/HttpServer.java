package io.beacon.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 on Netty for every API of a server: decodes each request once (path, query parameters, body), hands it
 * to the {@link Routes} that owns its path and writes the answer. Owns no endpoint itself: a path nobody owns is
 * answered 404, a body over the limit 413 (before it is buffered), a request line over 64 KiB 414, headers over
 * it 431, a request that does not parse 400, and a route's bug 500 — never a dropped connection.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** The longest request line, and the longest headers, accepted (Netty's default is 4 KiB). */
    static final int MAX_LINE_BYTES = 64 << 10;

    private final List<Routes> routes;
    private final int maxBodyBytes;
    private final EventLoopGroup acceptors =
            new NioEventLoopGroup(1, new DefaultThreadFactory("beacon-http-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("beacon-http", true));
    private Channel server;

    public HttpServer(List<Routes> routes, int maxBodyBytes) {
        this.routes = List.copyOf(routes);
        this.maxBodyBytes = maxBodyBytes;
    }

    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        io.netty.channel.ChannelFuture bound = new ServerBootstrap().group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // Nacos clients send everything, metadata included, in the query string.
                        channel.pipeline().addLast(new HttpServerCodec(MAX_LINE_BYTES, MAX_LINE_BYTES, 8192));
                        // Bodies over the limit are refused by the aggregator with 413 before they are buffered.
                        channel.pipeline().addLast(new HttpObjectAggregator(maxBodyBytes));
                        channel.pipeline().addLast(new Handler());
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for HTTP on " + address + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        server = bound.channel();
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpAnswer> dispatch(HttpCall call) {
        for (Routes owner : routes) {
            if (owner.owns(call.path())) {
                return owner.handle(call);
            }
        }
        return CompletableFuture.completedFuture(HttpAnswer.json(404, ("{\"status\":404,\"error\":\"no such endpoint: "
                + jsonEscaped(call.path()) + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private static String jsonEscaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            CompletableFuture<HttpAnswer> answer;
            HttpCall call = null;
            try {
                if (request.decoderResult().isFailure()) {
                    Throwable cause = request.decoderResult().cause();
                    int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
                            : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
                    String reason = status == 400 ? "malformed request: " + cause
                            : "request line or headers longer than " + MAX_LINE_BYTES + " bytes";
                    write(context, false, null, HttpAnswer.json(status, ("{\"status\":" + status + ",\"error\":\""
                            + jsonEscaped(reason) + "\"}").getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
                Map<String, String> query = new LinkedHashMap<>();
                decoder.parameters().forEach((name, values) -> query.put(name, values.get(values.size() - 1)));
                call = new HttpCall(request.method(), request.uri(), decoder.path(), query, request.headers(),
                        ByteBufUtil.getBytes(request.content()), (InetSocketAddress) context.channel().remoteAddress());
            } catch (IllegalArgumentException malformed) {
                write(context, keepAlive, null, HttpAnswer.json(400, ("{\"status\":400,\"error\":\""
                        + jsonEscaped(malformed.getMessage()) + "\"}").getBytes(StandardCharsets.UTF_8)));
                return;
            }
            try {
                answer = dispatch(call);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((done, error) -> write(context, keepAlive, error, done == null ? null : done));
        }

        private void write(ChannelHandlerContext context, boolean keepAlive, Throwable error, HttpAnswer done) {
            HttpAnswer reply = done;
            if (error != null || reply == null) {
                LOG.warn("request failed remote={}", context.channel().remoteAddress(), error);
                reply = HttpAnswer.json(500, ("{\"status\":500,\"error\":\"internal error: "
                        + jsonEscaped(String.valueOf(error)) + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            HttpUtil.setContentLength(response, reply.body().length);
            if (keepAlive) {
                HttpUtil.setKeepAlive(response, true);
                context.writeAndFlush(response);
            } else {
                // Said, so that a client pooling connections does not send its next request on this one.
                response.headers().set(HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
                context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.debug("http connection failed remote={} cause={}", context.channel().remoteAddress(), cause.toString());
            context.close();
        }
    }
}
