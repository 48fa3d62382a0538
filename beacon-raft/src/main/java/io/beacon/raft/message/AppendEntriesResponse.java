package io.beacon.raft.message;

/**
 * The answer to an {@link AppendEntries}, sent only once what it acknowledges is durable.
 *
 * @param success       whether the entries were accepted
 * @param index         when accepted, the last index now known to match the leader's log; when rejected,
 *                      the prevLogIndex of the rejected request (so the leader can discard stale answers)
 * @param conflictIndex when rejected, the follower's largest index at or below the rejected one whose term
 *                      is at most the request's prevLogTerm: the leader can skip back to it at once
 * @param conflictTerm  when rejected, the follower's term at conflictIndex (0 if its log is empty there)
 */
public record AppendEntriesResponse(long term, long from, long to, boolean success, long index,
                                    long conflictIndex, long conflictTerm) implements Message {

    public static AppendEntriesResponse accepted(long term, long from, long to, long matchIndex) {
        return new AppendEntriesResponse(term, from, to, true, matchIndex, 0, 0);
    }

    public static AppendEntriesResponse rejected(long term, long from, long to, long rejectedIndex,
                                                 long conflictIndex, long conflictTerm) {
        return new AppendEntriesResponse(term, from, to, false, rejectedIndex, conflictIndex, conflictTerm);
    }
}
