package io.beacon.server;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 on Netty for the native API: routes {@code /beacon/v1/kv/{key}}, {@code /cluster}, {@code /health},
 * {@code /members} and {@code /leader} to {@link NativeApi}, writes JSON, maps every failure to its status with a
 * JSON body, and carries writes that reached a follower to the leader (once: a forwarded request is never
 * forwarded again).
 */
final class HttpApiServer implements AutoCloseable {
    static final String PREFIX = "/beacon/v1";
    private static final String FORWARDED = "X-Beacon-Forwarded";
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NativeApi api;
    private final int maxBodyBytes;
    private final EventLoopGroup acceptors =
            new NioEventLoopGroup(1, new DefaultThreadFactory("beacon-http-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("beacon-http", true));
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Channel server;

    HttpApiServer(NativeApi api, int maxBodyBytes) {
        this.api = api;
        this.maxBodyBytes = maxBodyBytes;
    }

    InetSocketAddress start(InetSocketAddress address) throws java.io.IOException {
        io.netty.channel.ChannelFuture bound = new ServerBootstrap().group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec());
                        // Bodies over the limit are refused by the aggregator with 413 before they are buffered.
                        channel.pipeline().addLast(new HttpObjectAggregator(maxBodyBytes));
                        channel.pipeline().addLast(new Handler());
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new java.io.IOException("cannot listen for HTTP on " + address + ": "
                    + bound.cause().getMessage(), bound.cause());
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

    /** A response before it is written. */
    private record Reply(int status, byte[] body) {
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            byte[] body = ByteBufUtil.getBytes(request.content());
            HttpMethod method = request.method();
            String uri = request.uri();
            boolean forwarded = request.headers().contains(FORWARDED);
            CompletableFuture<Reply> reply;
            try {
                reply = route(method, uri, body).thenApply(json -> new Reply(200, write(json)))
                        .exceptionallyCompose(error -> failure(error, method, uri, body, forwarded));
            } catch (RuntimeException e) {
                reply = failure(e, method, uri, body, forwarded);
            }
            reply.whenComplete((done, error) -> {
                Reply answer = error == null ? done : errorReply(500, "internal error: " + error, Map.of());
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                HttpUtil.setContentLength(response, answer.body().length);
                if (keepAlive) {
                    HttpUtil.setKeepAlive(response, true);
                    context.writeAndFlush(response);
                } else {
                    context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.debug("http connection failed remote={} cause={}", context.channel().remoteAddress(), cause.toString());
            context.close();
        }
    }

    private CompletableFuture<Map<String, Object>> route(HttpMethod method, String uri, byte[] body) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        String path = decoder.path();
        Map<String, String> parameters = new LinkedHashMap<>();
        decoder.parameters().forEach((name, values) -> parameters.put(name, values.get(values.size() - 1)));
        if (path.equals(PREFIX + "/health")) {
            requireMethod(method, HttpMethod.GET);
            return api.health();
        }
        if (path.equals(PREFIX + "/cluster")) {
            requireMethod(method, HttpMethod.GET);
            return api.cluster();
        }
        if (path.equals(PREFIX + "/members")) {
            if (method.equals(HttpMethod.GET)) {
                return api.members();
            }
            requireMethod(method, HttpMethod.POST);
            return api.addMember(parameters.get("address"));
        }
        if (path.startsWith(PREFIX + "/members/")) {
            requireMethod(method, HttpMethod.DELETE);
            return api.removeMember(memberId(path.substring((PREFIX + "/members/").length())));
        }
        if (path.equals(PREFIX + "/leader")) {
            requireMethod(method, HttpMethod.POST);
            return api.transferLeader(memberId(parameters.getOrDefault("to", "")));
        }
        if (path.startsWith(PREFIX + "/kv/")) {
            String key = path.substring((PREFIX + "/kv/").length());
            if (method.equals(HttpMethod.GET)) {
                String consistency = parameters.getOrDefault("consistency", "linearizable");
                if (!List.of("linearizable", "local").contains(consistency)) {
                    throw ApiException.badRequest("consistency must be linearizable or local, was '" + consistency
                            + "'");
                }
                return api.get(key, consistency.equals("linearizable"));
            }
            if (method.equals(HttpMethod.PUT)) {
                return api.put(key, body, parameters);
            }
            if (method.equals(HttpMethod.DELETE)) {
                return api.delete(key, parameters);
            }
            throw new ApiException(405, "method " + method + " is not allowed on " + path);
        }
        throw new ApiException(404, "no such endpoint: " + path);
    }

    private static long memberId(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'" + text + "' is not a member id");
    }

    private static void requireMethod(HttpMethod method, HttpMethod expected) {
        if (!method.equals(expected)) {
            throw new ApiException(405, "method " + method + " is not allowed here; use " + expected);
        }
    }

    private CompletableFuture<Reply> failure(Throwable error, HttpMethod method, String uri, byte[] body,
                                             boolean forwarded) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NativeApi.Forward forward) {
            if (forwarded) {
                return CompletableFuture.completedFuture(errorReply(503, "not the leader, and the request was "
                        + "already forwarded once", Map.of("leader", forward.leader.getHostString() + ":"
                        + forward.leader.getPort())));
            }
            return forward(forward.leader, method, uri, body);
        }
        if (cause instanceof ApiException api) {
            return CompletableFuture.completedFuture(errorReply(api.status(), api.getMessage(), api.details()));
        }
        LOG.warn("request failed method={} uri={}", method, uri, cause);
        return CompletableFuture.completedFuture(errorReply(500, "internal error: " + cause, Map.of()));
    }

    private CompletableFuture<Reply> forward(InetSocketAddress leader, HttpMethod method, String uri, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + leader.getHostString() + ":"
                        + leader.getPort() + uri))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, "1")
                .method(method.name(), HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return forwarder.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Reply(response.statusCode(), response.body()))
                .exceptionally(error -> errorReply(503, "the leader at " + leader + " did not answer: "
                        + error.getMessage(), Map.of()));
    }

    private static Reply errorReply(int status, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        body.putAll(details);
        return new Reply(status, write(body));
    }

    private static byte[] write(Object json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
