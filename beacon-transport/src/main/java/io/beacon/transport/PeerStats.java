package io.beacon.transport;

/** One peer's sending side: whether it is connected, what waits in its queue, what was sent and dropped. */
public record PeerStats(long memberId, boolean connected, int queuedMessages, long queuedBytes, long sent,
                        long dropped) {
}
