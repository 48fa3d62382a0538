package io.beacon.registry.lease;

import java.util.Optional;

/**
 * What a beat did. For an instance without a lease ({@link #known()} false) the server answers code 20404 so that
 * the client registers again. Otherwise it answers {@code clientBeatInterval}, and proposes {@link #command()} if
 * there is one: the instance was unhealthy and this beat makes it healthy again.
 */
public record BeatResult(boolean known, long clientBeatIntervalMillis, byte[] command) {
    public static BeatResult unknown() {
        return new BeatResult(false, 0, null);
    }

    /** The "healthy again" command to propose, if this beat is a transition. */
    public Optional<byte[]> healthyAgain() {
        return Optional.ofNullable(command);
    }
}
