package io.beacon.transport;

/**
 * What carries a client's command from a follower to the leader and brings back the leader's answer, and one-way
 * notes between members' applications. Not Raft messages: the core never sees these; the members' runtimes
 * exchange them beside it.
 */
public sealed interface ForwardMessage {
    long from();

    long to();

    /** The sender's number for the request, which the answer repeats (a note's sequence number). */
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

    /** A one-way message for the other member's application; nothing answers it, and it may be lost. */
    record Note(long from, long to, long requestId, byte[] body) implements ForwardMessage {
    }
}
