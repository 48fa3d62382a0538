package io.beacon.transport;

/**
 * What carries a client's command from a follower to the leader and brings back the leader's answer. Not a Raft
 * message: the core never sees these; the members' runtimes exchange them beside it.
 */
public sealed interface ForwardMessage {
    long from();

    long to();

    /** The follower's number for the request, which the answer repeats. */
    long requestId();

    /** A command for the leader to propose. */
    record Proposal(long from, long to, long requestId, byte[] command) implements ForwardMessage {
    }

    /** The leader put the command in its log at index, in term. */
    record Accepted(long from, long to, long requestId, long index, long term) implements ForwardMessage {
    }

    /** The member asked did not take the command; leaderHint is the leader it knows of, or 0. */
    record Refused(long from, long to, long requestId, String reason, long leaderHint) implements ForwardMessage {
    }
}
