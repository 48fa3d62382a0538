package io.beacon.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.beacon.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageCodec;

import java.io.IOException;
import java.util.List;

/**
 * Frames on the wire: a 4-byte big-endian length, then one {@link Frame}. A length beyond the limit or bytes that
 * do not parse fail the connection (the handlers close it); they never reach the node.
 */
final class FrameCodec extends MessageToMessageCodec<ByteBuf, Frame> {
    private FrameCodec() {
    }

    /** Adds the framing and the codec to a new connection's pipeline. */
    static void install(ChannelPipeline pipeline, int maxFrameBytes) {
        pipeline.addLast("frames", new LengthFieldBasedFrameDecoder(maxFrameBytes + 4, 0, 4, 0, 4));
        pipeline.addLast("length", new LengthFieldPrepender(4));
        pipeline.addLast("codec", new FrameCodec());
    }

    @Override
    protected void encode(ChannelHandlerContext context, Frame frame, List<Object> out) {
        out.add(Unpooled.wrappedBuffer(frame.toByteArray()));
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf bytes, List<Object> out) throws IOException {
        try {
            out.add(Frame.parseFrom(new ByteBufInputStream(bytes)));
        } catch (InvalidProtocolBufferException e) {
            throw new DecoderException(new MalformedFrameException("frame does not parse: " + e.getMessage(), e));
        }
    }
}
