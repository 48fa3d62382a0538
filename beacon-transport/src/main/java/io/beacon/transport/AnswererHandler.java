package io.beacon.transport;

import com.google.protobuf.ByteString;
import io.beacon.raft.message.Message;
import io.beacon.transport.proto.Frame;
import io.beacon.transport.proto.Hello;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The accepting side of one connection: answers the dialler's Hello with its own and a proof, checks the
 * dialler's proof, and from then on hands the Raft messages it receives to the transport's listener. It only ever
 * receives Raft messages: replies travel on this member's own connection to that peer. A peer that fails any
 * check is refused and disconnected.
 */
final class AnswererHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(AnswererHandler.class);

    private enum State { AWAIT_HELLO, AWAIT_PROOF, READY }

    private final TransportConfig config;
    private final Handshake handshake;
    private final PeerTransport.Listener listener;
    private State state = State.AWAIT_HELLO;
    private long peerId;
    private byte[] diallerNonce;
    private byte[] answererNonce;
    private ScheduledFuture<?> timeout;

    AnswererHandler(TransportConfig config, PeerTransport.Listener listener) {
        this.config = config;
        this.handshake = new Handshake(config);
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        timeout = context.executor().schedule(() -> {
            if (state != State.READY) {
                Connections.refuse(context, LOG, "no handshake within " + config.handshakeTimeout().toMillis() + " ms");
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Frame frame) {
        if (frame.hasRefusal()) {
            // The dialler gave up on us (say, our proof did not convince it): it has said why in its own log.
            LOG.debug("dialler gave up remote={} reason=\"{}\"", context.channel().remoteAddress(),
                    frame.getRefusal().getReason());
            context.close();
            return;
        }
        switch (state) {
            case AWAIT_HELLO -> {
                if (!frame.hasHello()) {
                    Connections.refuse(context, LOG, "expected a Hello, got " + frame.getBodyCase());
                    return;
                }
                Hello hello = frame.getHello();
                String problem = handshake.problemWith(hello, true);
                if (problem != null) {
                    Connections.refuse(context, LOG, problem);
                    return;
                }
                peerId = hello.getMemberId();
                diallerNonce = hello.getNonce().toByteArray();
                answererNonce = Handshake.nonce();
                byte[] proof = handshake.answererProof(peerId, config.memberId(), diallerNonce, answererNonce);
                context.writeAndFlush(Frame.newBuilder().setHello(Hello.newBuilder()
                        .setProtocolVersion(Handshake.PROTOCOL_VERSION).setClusterId(config.clusterId())
                        .setMemberId(config.memberId()).setNonce(ByteString.copyFrom(answererNonce))
                        .setProof(ByteString.copyFrom(proof))).build());
                state = State.AWAIT_PROOF;
            }
            case AWAIT_PROOF -> {
                byte[] expected = handshake.diallerProof(peerId, config.memberId(), diallerNonce, answererNonce);
                if (!frame.hasProof() || !Handshake.matches(expected, frame.getProof().getProof().toByteArray())) {
                    Connections.refuse(context, LOG, "member " + peerId + " did not prove it knows the cluster secret");
                    return;
                }
                state = State.READY;
                timeout.cancel(false);
                LOG.debug("peer connected from member={} remote={}", peerId, context.channel().remoteAddress());
            }
            case READY -> {
                try {
                    switch (frame.getBodyCase()) {
                        case RAFT -> deliver(context, MessageCodec.decode(frame.getRaft()));
                        case FORWARD -> deliver(context, MessageCodec.decode(frame.getForward()));
                        default -> Connections.refuse(context, LOG, "expected a Raft message or a forwarded "
                                + "proposal, got " + frame.getBodyCase());
                    }
                } catch (MalformedFrameException e) {
                    Connections.refuse(context, LOG, e.getMessage());
                }
            }
        }
    }

    private void deliver(ChannelHandlerContext context, Message message) {
        if (comesFromPeer(context, message.from(), message.to())) {
            listener.onMessage(message);
        }
    }

    private void deliver(ChannelHandlerContext context, ForwardMessage message) {
        if (comesFromPeer(context, message.from(), message.to())) {
            listener.onForward(message);
        }
    }

    /** Whether a message names the peer that proved itself as sender and this member as receiver; refuses it if not. */
    private boolean comesFromPeer(ChannelHandlerContext context, long from, long to) {
        if (from != peerId || to != config.memberId()) {
            Connections.refuse(context, LOG, "member " + peerId + " sent a message from " + from + " to " + to);
            return false;
        }
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (state == State.READY) {
            listener.onPeerDisconnected(peerId);
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        Connections.failed(context, LOG, cause);
    }
}
