package io.beacon.transport;

import io.beacon.transport.proto.Frame;
import io.beacon.transport.proto.Refusal;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;

import java.io.IOException;

/** What both ends of a connection do when it goes wrong: say why (at WARN, once), then close. */
final class Connections {
    private Connections() {
    }

    /** Tells the other side why, logs it and closes the connection. */
    static void refuse(ChannelHandlerContext context, Logger log, String reason) {
        log.warn("peer connection refused remote={} reason=\"{}\"", context.channel().remoteAddress(), reason);
        if (context.channel().isActive()) {
            context.writeAndFlush(Frame.newBuilder().setRefusal(Refusal.newBuilder().setReason(reason)).build())
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            context.close();
        }
    }

    /** A connection failed: bad bytes are refused; a reset or other I/O error just closes it. */
    static void failed(ChannelHandlerContext context, Logger log, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            refuse(context, log, "frame too long: " + cause.getMessage());
        } else if (cause instanceof DecoderException) {
            refuse(context, log, cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("peer connection lost remote={} cause={}", context.channel().remoteAddress(), cause.toString());
            context.close();
        } else {
            log.warn("peer connection failed remote={}", context.channel().remoteAddress(), cause);
            context.close();
        }
    }
}
