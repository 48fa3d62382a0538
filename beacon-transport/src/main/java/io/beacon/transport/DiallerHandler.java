package io.beacon.transport;

import com.google.protobuf.ByteString;
import io.beacon.transport.proto.Frame;
import io.beacon.transport.proto.Hello;
import io.beacon.transport.proto.Proof;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The dialling side of one connection to a peer: says Hello, checks that the answer comes from the member it
 * meant to reach and proves the cluster secret, proves it in turn, and then hands the channel to its {@link Peer}
 * for sending. It expects nothing more from the answerer but, perhaps, a refusal.
 */
final class DiallerHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(DiallerHandler.class);

    private final TransportConfig config;
    private final Handshake handshake;
    private final Peer peer;
    private final byte[] nonce = Handshake.nonce();
    private boolean ready;
    private ScheduledFuture<?> timeout;

    DiallerHandler(TransportConfig config, Peer peer) {
        this.config = config;
        this.handshake = new Handshake(config);
        this.peer = peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        timeout = context.executor().schedule(() -> {
            if (!ready) {
                Connections.refuse(context, LOG, "no handshake within " + config.handshakeTimeout().toMillis() + " ms");
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        context.writeAndFlush(Frame.newBuilder().setHello(Hello.newBuilder()
                .setProtocolVersion(Handshake.PROTOCOL_VERSION).setClusterId(config.clusterId())
                .setMemberId(config.memberId()).setExpectedMemberId(peer.memberId())
                .setNonce(ByteString.copyFrom(nonce))).build());
        context.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Frame frame) {
        if (frame.hasRefusal()) {
            LOG.warn("refused by peer member={} remote={} reason=\"{}\"", peer.memberId(),
                    context.channel().remoteAddress(), frame.getRefusal().getReason());
            context.close();
            return;
        }
        if (ready || !frame.hasHello()) {
            Connections.refuse(context, LOG, "unexpected " + frame.getBodyCase() + " from the answering side");
            return;
        }
        Hello hello = frame.getHello();
        String problem = handshake.problemWith(hello, false);
        if (problem == null && hello.getMemberId() != peer.memberId()) {
            problem = "expected member " + peer.memberId() + " at " + context.channel().remoteAddress()
                    + " but member " + hello.getMemberId() + " answered";
        }
        byte[] answererNonce = hello.getNonce().toByteArray();
        if (problem == null && !Handshake.matches(
                handshake.answererProof(config.memberId(), peer.memberId(), nonce, answererNonce),
                hello.getProof().toByteArray())) {
            problem = "member " + peer.memberId() + " did not prove it knows the cluster secret";
        }
        if (problem != null) {
            Connections.refuse(context, LOG, problem);
            return;
        }
        byte[] proof = handshake.diallerProof(config.memberId(), peer.memberId(), nonce, answererNonce);
        context.writeAndFlush(Frame.newBuilder().setProof(Proof.newBuilder().setProof(ByteString.copyFrom(proof)))
                .build());
        ready = true;
        timeout.cancel(false);
        peer.connected(context.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (ready && context.channel().isWritable()) {
            peer.writable();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        peer.disconnected(context.channel(), ready);
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        Connections.failed(context, LOG, cause);
    }
}
