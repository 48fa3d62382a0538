package io.beacon.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The servers of a cluster as its configuration lists them (HTTP addresses, as Nacos's cluster.conf does), and
 * the member ids of their first incarnations. A server's id is derived from its address, so every server of a new
 * cluster knows the first configuration's voters without asking: {@code (CRC32C(host:port) + 1) * 1000 + 1}.
 * A later incarnation of the same server (its data wiped) takes another number in the last three digits.
 */
public final class Members {
    static final long INCARNATIONS = 1000;

    /** Where the store keeps the addresses of members added at run time: this prefix, then the member id. */
    static final String ADDRESS_KEY_PREFIX = "_beacon/members/";

    private final Map<Long, InetSocketAddress> httpAddresses;
    private final int peerPortOffset;
    private final java.util.function.LongFunction<String> added;

    /**
     * The listed servers, and where to look up members added since: {@code added} gives the "host:port" recorded
     * for a member id, or null.
     */
    Members(Map<Long, InetSocketAddress> httpAddresses, int peerPortOffset,
            java.util.function.LongFunction<String> added) {
        this.httpAddresses = Collections.unmodifiableMap(new TreeMap<>(httpAddresses));
        this.peerPortOffset = peerPortOffset;
        this.added = added;
    }

    /** The first incarnation's member id of the server at this HTTP address. */
    public static long firstIncarnation(InetSocketAddress httpAddress) {
        return serverBase(httpAddress) + 1;
    }

    static long serverBase(InetSocketAddress httpAddress) {
        CRC32C crc = new CRC32C();
        crc.update((httpAddress.getHostString() + ":" + httpAddress.getPort()).getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() + 1) * INCARNATIONS;
    }

    /** Whether a member id names an incarnation of the server at this address. */
    static boolean sameServer(long memberId, InetSocketAddress httpAddress) {
        return memberId / INCARNATIONS * INCARNATIONS == serverBase(httpAddress);
    }

    /** Every listed server, by first-incarnation member id. */
    public Map<Long, InetSocketAddress> httpAddresses() {
        return httpAddresses;
    }

    /** The HTTP address of the server a member id belongs to (any incarnation), or null. */
    public InetSocketAddress httpAddressOf(long memberId) {
        String recorded = memberId > 0 ? added.apply(memberId) : null;
        if (recorded != null) {
            return ServerConfig.parseAddress(recorded);
        }
        for (Map.Entry<Long, InetSocketAddress> entry : httpAddresses.entrySet()) {
            if (memberId / INCARNATIONS == entry.getKey() / INCARNATIONS) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The peer address of the server at an HTTP address: the same host, the HTTP port minus the offset. */
    public InetSocketAddress peerAddressOf(InetSocketAddress httpAddress) {
        return new InetSocketAddress(httpAddress.getHostString(), httpAddress.getPort() - peerPortOffset);
    }
}
