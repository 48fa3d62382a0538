package io.beacon.raft.message;

/**
 * The answer to a {@link RequestVote}. A granted pre-vote carries the term of the pre-vote request; any
 * other answer carries the voter's own term.
 */
public record RequestVoteResponse(long term, long from, long to, boolean preVote, boolean granted)
        implements Message {
}
