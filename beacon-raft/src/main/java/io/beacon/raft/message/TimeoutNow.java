package io.beacon.raft.message;

/** The leader tells a caught-up follower to start an election at once: the last step of a transfer (§3.10). */
public record TimeoutNow(long term, long from, long to) implements Message {
}
