package io.beacon.bench.peers.sofajraft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.entity.Task;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The SOFAJRaft peer's HTTP API, on one node and without forwarding to the leader:
 * <ul>
 *   <li>{@code PUT /kv/{key}} (body = value) proposes the write; 200 once it is committed and applied here, 503
 *   with JRaft's reason if this node does not lead or the write fails;</li>
 *   <li>{@code GET /kv/{key}} reads after a {@link Node#readIndex read index} (linearizable; a follower asks the
 *   leader for it): 200 with the value, 404 if the key is absent, 503 if the read index fails;</li>
 *   <li>{@code GET /status}: {@code {"leader":true|false,"term":N}}, the term of the latest leader this node knows.
 *   </li>
 * </ul>
 * Never blocks the event loop: writes and reads are answered from JRaft's closures. Answers are written in the
 * order they complete, so a client should send one request at a time on a connection (no pipelining).
 */
@ChannelHandler.Sharable
final class KvHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(KvHttpHandler.class);
    private static final String KV_PREFIX = "/kv/";
    private static final byte[] NO_CONTEXT = new byte[0];

    private final Node node;
    private final KvStateMachine state;

    KvHttpHandler(Node node, KvStateMachine state) {
        this.node = node;
        this.state = state;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            answer(context, false, HttpResponseStatus.BAD_REQUEST, text("cannot parse the request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (path.startsWith(KV_PREFIX) && path.length() > KV_PREFIX.length()) {
            String key = QueryStringDecoder.decodeComponent(path.substring(KV_PREFIX.length()));
            if (HttpMethod.PUT.equals(method)) {
                put(context, keepAlive, key, ByteBufUtil.getBytes(request.content()));
            } else if (HttpMethod.GET.equals(method)) {
                get(context, keepAlive, key);
            } else {
                answer(context, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, text("PUT or GET"));
            }
        } else if (path.equals("/status") && HttpMethod.GET.equals(method)) {
            String json = "{\"leader\":" + node.isLeader() + ",\"term\":" + state.leaderTerm() + "}";
            answer(context, keepAlive, HttpResponseStatus.OK, text(json));
        } else {
            answer(context, keepAlive, HttpResponseStatus.NOT_FOUND, text("no such endpoint: " + path));
        }
    }

    /** Proposes the write; the answer is written when JRaft runs the task's closure (applied, or failed). */
    private void put(ChannelHandlerContext context, boolean keepAlive, String key, byte[] value) {
        Task task = new Task(new PutCommand(key, value).encode(), status -> {
            if (status.isOk()) {
                answer(context, keepAlive, HttpResponseStatus.OK, NO_CONTEXT);
            } else {
                answer(context, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, refusal(status));
            }
        });
        node.apply(task);
    }

    /** Reads key once JRaft's read index says this node has applied everything committed before the read. */
    private void get(ChannelHandlerContext context, boolean keepAlive, String key) {
        node.readIndex(NO_CONTEXT, new ReadIndexClosure() {
            @Override
            public void run(Status status, long index, byte[] requestContext) {
                if (!status.isOk()) {
                    answer(context, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, refusal(status));
                    return;
                }
                byte[] value = state.get(key);
                if (value == null) {
                    answer(context, keepAlive, HttpResponseStatus.NOT_FOUND, NO_CONTEXT);
                } else {
                    answer(context, keepAlive, HttpResponseStatus.OK, value);
                }
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.warn("closing an HTTP connection: {}", cause.toString());
        context.close();
    }

    private static byte[] refusal(Status status) {
        return text(status.getRaftError() + ": " + status.getErrorMsg());
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes an answer with Content-Length; safe from any thread (Netty hands the write to the event loop). */
    private static void answer(ChannelHandlerContext context, boolean keepAlive, HttpResponseStatus status,
                               byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (keepAlive) {
            context.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
