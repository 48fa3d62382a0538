package io.beacon.node;

import io.beacon.raft.RaftConfig;
import io.beacon.storage.StorageOptions;
import io.beacon.transport.TransportConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What one member needs to run.
 *
 * @param dataDirectory  where its storage lives
 * @param newMemberId    the member id to take if the directory holds no data yet (a new incarnation)
 * @param initialVoters  the first configuration's voters, for a member of a new cluster; empty to join one
 * @param raft           the core's settings (its id and voters are replaced by the member's own)
 * @param tickMillis     the length of one tick of the core's clock; default 50 ms
 * @param storage        storage settings
 * @param clusterId      names the cluster (the handshake refuses peers of another)
 * @param secret         the shared cluster secret
 * @param peerAddress    where to accept peers' connections (port 0: any free one)
 */
public record NodeOptions(Path dataDirectory, LongSupplier newMemberId, List<Long> initialVoters, RaftConfig raft,
                          long tickMillis, StorageOptions storage, String clusterId, String secret,
                          InetSocketAddress peerAddress) {
    public NodeOptions {
        initialVoters = List.copyOf(initialVoters);
        if (tickMillis <= 0) {
            throw new IllegalArgumentException("tickMillis must be positive, was " + tickMillis);
        }
    }

    /** The defaults for a member with this data directory, identity and peer address. */
    public static NodeOptions of(Path dataDirectory, LongSupplier newMemberId, List<Long> initialVoters,
                                 String clusterId, String secret, InetSocketAddress peerAddress) {
        return new NodeOptions(dataDirectory, newMemberId, initialVoters, RaftConfig.defaults(1, List.of()), 50,
                StorageOptions.DEFAULTS, clusterId, secret, peerAddress);
    }

    public NodeOptions withRaft(RaftConfig config) {
        return new NodeOptions(dataDirectory, newMemberId, initialVoters, config, tickMillis, storage, clusterId,
                secret, peerAddress);
    }

    TransportConfig transport(long memberId) {
        return TransportConfig.of(clusterId, memberId, secret, peerAddress);
    }
}
