package io.beacon.raft.message;

/** A follower's answer to a {@link Heartbeat}, echoing its round. */
public record HeartbeatResponse(long term, long from, long to, long round) implements Message {
}
