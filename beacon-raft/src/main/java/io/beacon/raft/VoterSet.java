package io.beacon.raft;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * A set of voters decided by simple majority: the quorum arithmetic of Raft in one place. Ids are kept
 * sorted, so every iteration is in a fixed order.
 */
public final class VoterSet {
    private final long[] ids;

    public VoterSet(List<Long> voters) {
        this.ids = voters.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        if (ids.length != voters.size()) {
            throw new IllegalArgumentException("voter ids must be distinct: " + voters);
        }
    }

    public int size() {
        return ids.length;
    }

    public int quorum() {
        return ids.length / 2 + 1;
    }

    public boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    /** The ids in ascending order. */
    public long[] ids() {
        return ids.clone();
    }

    /** The highest index that a majority of voters has reached, given each voter's index. */
    public long committedIndex(LongUnaryOperator indexOf) {
        long[] indexes = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            indexes[i] = indexOf.applyAsLong(ids[i]);
        }
        Arrays.sort(indexes);
        // Ascending order: the quorum-th highest sits at size - quorum.
        return indexes[ids.length - quorum()];
    }

    /** Whether the voters for which the predicate holds form a majority. */
    public boolean isQuorum(LongPredicate member) {
        int count = 0;
        for (long id : ids) {
            if (member.test(id)) {
                count++;
            }
        }
        return count >= quorum();
    }

    /** Counts an election: granted and rejected say how each voter answered (neither = not yet). */
    public VoteResult tally(LongPredicate granted, LongPredicate rejected) {
        int yes = 0;
        int no = 0;
        for (long id : ids) {
            if (granted.test(id)) {
                yes++;
            } else if (rejected.test(id)) {
                no++;
            }
        }
        if (yes >= quorum()) {
            return VoteResult.WON;
        }
        if (ids.length - no < quorum()) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public String toString() {
        return Arrays.toString(ids);
    }
}
