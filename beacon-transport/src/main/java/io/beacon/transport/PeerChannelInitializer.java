package io.beacon.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of a connection this member dials: framing, then the dialler's handshake. */
final class PeerChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final TransportConfig config;
    private final Peer peer;

    PeerChannelInitializer(TransportConfig config, Peer peer) {
        this.config = config;
        this.peer = peer;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        FrameCodec.install(channel.pipeline(), config.maxFrameBytes());
        channel.pipeline().addLast("handshake", new DiallerHandler(config, peer));
    }
}
