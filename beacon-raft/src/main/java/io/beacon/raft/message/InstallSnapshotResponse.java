package io.beacon.raft.message;

/**
 * A follower's answer to an {@link InstallSnapshot}, sent once what it acknowledges is durable.
 *
 * @param nextOffset where the follower wants the next chunk of this snapshot to start: the bytes it holds so far
 *                   (0 when it must start over)
 * @param installed  the follower's log now holds everything up to snapshotIndex (installed, or already had it)
 */
public record InstallSnapshotResponse(long term, long from, long to, long snapshotIndex, long nextOffset,
                                      boolean installed) implements Message {
}
