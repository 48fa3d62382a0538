package io.beacon.transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Settings of one member's peer transport.
 *
 * @param clusterId           names the cluster; a peer of another cluster is refused at the handshake
 * @param memberId            this member's id (one incarnation of the server)
 * @param secret              the shared cluster secret; peers prove they know it, it never crosses the wire
 * @param bindAddress         where to accept peers' connections
 * @param maxFrameBytes       frames longer than this are refused and their connection closed; default 32 MiB
 * @param maxQueuedMessages   messages waiting for one peer beyond which new ones are dropped; default 4,096
 * @param maxQueuedBytes      bytes waiting for one peer beyond which new messages are dropped; default 64 MiB
 * @param reconnectMin        first wait before redialling a peer; doubles up to reconnectMax (50 ms, 1 s)
 * @param reconnectMax        the cap on that wait
 * @param handshakeTimeout    a connection that has not finished its handshake by then is closed; default 5 s
 */
public record TransportConfig(String clusterId, long memberId, byte[] secret, InetSocketAddress bindAddress,
                              int maxFrameBytes, int maxQueuedMessages, long maxQueuedBytes,
                              Duration reconnectMin, Duration reconnectMax, Duration handshakeTimeout) {
    public TransportConfig {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("cluster id must not be empty");
        }
        if (memberId <= 0) {
            throw new IllegalArgumentException("member id must be positive, was " + memberId);
        }
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the cluster secret must be at least 16 bytes long");
        }
        if (maxFrameBytes < 1024 || maxQueuedMessages < 1 || maxQueuedBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1 KiB, maxQueuedMessages positive "
                    + "and maxQueuedBytes at least maxFrameBytes");
        }
        secret = secret.clone();
    }

    /** The defaults for a member, with the secret given as text. */
    public static TransportConfig of(String clusterId, long memberId, String secret, InetSocketAddress bindAddress) {
        return new TransportConfig(clusterId, memberId, secret.getBytes(StandardCharsets.UTF_8), bindAddress,
                32 << 20, 4096, 64L << 20, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    public TransportConfig withQueueLimits(int messages, long bytes) {
        return new TransportConfig(clusterId, memberId, secret, bindAddress, maxFrameBytes, messages, bytes,
                reconnectMin, reconnectMax, handshakeTimeout);
    }

    public TransportConfig withMaxFrameBytes(int bytes) {
        return new TransportConfig(clusterId, memberId, secret, bindAddress, bytes, maxQueuedMessages,
                Math.max(maxQueuedBytes, bytes), reconnectMin, reconnectMax, handshakeTimeout);
    }

    @Override
    public String toString() {
        return "TransportConfig[cluster=" + clusterId + ", member=" + memberId + ", bind=" + bindAddress + "]";
    }
}
