package io.beacon.raft.message;

/**
 * A candidate asks for a vote (§3.4), or a pre-candidate asks whether it could win one (§9.6).
 *
 * @param preVote            a pre-vote: the receiver changes nothing, not even its term
 * @param leadershipTransfer sent on behalf of a leadership transfer: receivers disregard their recent
 *                           contact with the current leader, which asked for this election (§3.10)
 */
public record RequestVote(long term, long from, long to, long lastLogIndex, long lastLogTerm, boolean preVote,
                          boolean leadershipTransfer) implements Message {
}
