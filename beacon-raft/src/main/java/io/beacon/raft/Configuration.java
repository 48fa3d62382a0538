package io.beacon.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * The members of the cluster as one configuration entry of the log defines them (§4.3).
 *
 * <p>Outside a change, {@code voters} decide by majority and {@code outgoingVoters} is empty. During a joint
 * change, C_old is {@code outgoingVoters} and C_new is {@code voters}, and every decision — an election, a
 * commit, a leadership check — needs a majority of each. Learners receive the log and snapshots but never vote
 * and never count. A learner listed in {@code promotions} is to become a voter once it has caught up, in place
 * of the voter it maps to ({@link RaftNode#NONE} if it replaces nobody).
 *
 * <p>Member ids identify one incarnation of a server: a server whose data was wiped comes back under a new id
 * and is not the member it was until it is added again.
 */
public record Configuration(SortedSet<Long> voters, SortedSet<Long> outgoingVoters, SortedSet<Long> learners,
                            SortedMap<Long, Long> promotions) {

    private static final int FORMAT_VERSION = 1;
    /** The configuration of a node that has not been told of any: it belongs to no cluster yet. */
    public static final Configuration EMPTY = new Configuration(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
            new TreeMap<>());

    public Configuration {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        outgoingVoters = Collections.unmodifiableSortedSet(new TreeSet<>(outgoingVoters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        promotions = Collections.unmodifiableSortedMap(new TreeMap<>(promotions));
        for (long learner : learners) {
            if (learner <= 0 || voters.contains(learner) || outgoingVoters.contains(learner)) {
                throw new IllegalArgumentException("learner " + learner + " must be a positive id and not a voter");
            }
        }
        for (long id : voters) {
            if (id <= 0) {
                throw new IllegalArgumentException("voter ids must be positive: " + voters);
            }
        }
        for (long id : outgoingVoters) {
            if (id <= 0) {
                throw new IllegalArgumentException("outgoing voter ids must be positive: " + outgoingVoters);
            }
        }
        if (!learners.containsAll(promotions.keySet())) {
            throw new IllegalArgumentException("only learners can be promoted: " + promotions);
        }
    }

    public static Configuration of(List<Long> voters) {
        return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>(), new TreeMap<>());
    }

    public boolean isJoint() {
        return !outgoingVoters.isEmpty();
    }

    /** Whether this id votes, in either half of a joint configuration. */
    public boolean isVoter(long id) {
        return voters.contains(id) || outgoingVoters.contains(id);
    }

    public boolean isMember(long id) {
        return isVoter(id) || learners.contains(id);
    }

    /** Everyone the leader replicates to, itself included, in ascending order. */
    public SortedSet<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(outgoingVoters);
        all.addAll(learners);
        return all;
    }

    /** The highest index a majority of C_new (and of C_old while joint) has reached. */
    public long committedIndex(LongUnaryOperator indexOf) {
        long index = majorityIndex(voters, indexOf);
        return isJoint() ? Math.min(index, majorityIndex(outgoingVoters, indexOf)) : index;
    }

    /** Whether the voters for which the predicate holds form a majority of C_new (and of C_old while joint). */
    public boolean isQuorum(LongPredicate member) {
        return isMajority(voters, member) && (!isJoint() || isMajority(outgoingVoters, member));
    }

    /** Counts an election: won only with both majorities while joint, lost as soon as either is out of reach. */
    public VoteResult tally(LongPredicate granted, LongPredicate rejected) {
        VoteResult incoming = tally(voters, granted, rejected);
        if (!isJoint()) {
            return incoming;
        }
        VoteResult outgoing = tally(outgoingVoters, granted, rejected);
        if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return incoming == VoteResult.WON && outgoing == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Transitions. Each returns the next configuration; a joint one is left by leaveJoint().

    /**
     * The configuration that starts this change: a learner for AddLearner; a learner to promote for AddVoter
     * and ReplaceVoter; for RemoveMember, the learner gone or a joint configuration without the voter.
     *
     * @throws IllegalArgumentException if the change makes no sense for these members
     */
    Configuration after(MembershipChange change) {
        long member = change.id();
        requireArgument(member > 0, "member ids must be positive: " + change);
        if (change instanceof MembershipChange.AddLearner) {
            requireArgument(!isMember(member), member + " is already a member");
            return withLearner(member, false, RaftNode.NONE);
        }
        if (change instanceof MembershipChange.AddVoter) {
            requireArgument(!isVoter(member), member + " is already a voter");
            return withLearner(member, true, RaftNode.NONE);
        }
        if (change instanceof MembershipChange.ReplaceVoter replace) {
            requireArgument(voters.contains(replace.replaced()), replace.replaced() + " is not a voter");
            requireArgument(!isVoter(member), member + " is already a voter");
            return withLearner(member, true, replace.replaced());
        }
        requireArgument(isMember(member), member + " is not a member");
        if (learners.contains(member)) {
            return withoutLearner(member);
        }
        requireArgument(voters.size() > 1, "cannot remove the last voter " + member);
        TreeSet<Long> remaining = new TreeSet<>(voters);
        remaining.remove(member);
        return enterJoint(remaining);
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Adds a learner; if promote, it is to become a voter (in place of replaced, or NONE) once caught up. */
    Configuration withLearner(long id, boolean promote, long replaced) {
        TreeSet<Long> nextLearners = new TreeSet<>(learners);
        nextLearners.add(id);
        TreeMap<Long, Long> nextPromotions = new TreeMap<>(promotions);
        if (promote) {
            nextPromotions.put(id, replaced);
        }
        return new Configuration(voters, outgoingVoters, nextLearners, nextPromotions);
    }

    /** Removes a learner (and any promotion planned for it). */
    Configuration withoutLearner(long id) {
        TreeSet<Long> nextLearners = new TreeSet<>(learners);
        nextLearners.remove(id);
        TreeMap<Long, Long> nextPromotions = new TreeMap<>(promotions);
        nextPromotions.remove(id);
        return new Configuration(voters, outgoingVoters, nextLearners, nextPromotions);
    }

    /** Enters the joint configuration that turns the voters into nextVoters; promoted learners stop being learners. */
    Configuration enterJoint(SortedSet<Long> nextVoters) {
        if (isJoint()) {
            throw new IllegalStateException("already in a joint configuration: " + this);
        }
        TreeSet<Long> nextLearners = new TreeSet<>(learners);
        nextLearners.removeAll(nextVoters);
        TreeMap<Long, Long> nextPromotions = new TreeMap<>(promotions);
        nextPromotions.keySet().retainAll(nextLearners);
        return new Configuration(nextVoters, voters, nextLearners, nextPromotions);
    }

    /** C_new alone, once the joint configuration is committed. */
    Configuration leaveJoint() {
        return new Configuration(voters, new TreeSet<>(), learners, promotions);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Encoding, for configuration entries and snapshots.

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            writeIds(out, voters);
            writeIds(out, outgoingVoters);
            writeIds(out, learners);
            out.writeInt(promotions.size());
            for (var promotion : promotions.entrySet()) {
                out.writeLong(promotion.getKey());
                out.writeLong(promotion.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a configuration entry; a malformed one is an {@link IllegalArgumentException}. */
    public static Configuration decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown configuration format version " + version);
            }
            SortedSet<Long> voters = readIds(in);
            SortedSet<Long> outgoing = readIds(in);
            SortedSet<Long> learners = readIds(in);
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new IllegalArgumentException("implausible promotion count " + count);
            }
            TreeMap<Long, Long> promotions = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                promotions.put(in.readLong(), in.readLong());
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after a configuration");
            }
            return new Configuration(voters, outgoing, learners, promotions);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated configuration entry", e);
        }
    }

    private static void writeIds(DataOutputStream out, SortedSet<Long> ids) throws IOException {
        out.writeInt(ids.size());
        for (long id : ids) {
            out.writeLong(id);
        }
    }

    private static SortedSet<Long> readIds(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 10_000) {
            throw new IllegalArgumentException("implausible member count " + count);
        }
        TreeSet<Long> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.readLong());
        }
        return ids;
    }

    // -------------------------------------------------------------------------------------------------------------

    private static long majorityIndex(SortedSet<Long> ids, LongUnaryOperator indexOf) {
        if (ids.isEmpty()) {
            return 0;
        }
        long[] indexes = new long[ids.size()];
        int i = 0;
        for (long id : ids) {
            indexes[i++] = indexOf.applyAsLong(id);
        }
        java.util.Arrays.sort(indexes);
        return indexes[indexes.length - (indexes.length / 2 + 1)];
    }

    private static boolean isMajority(SortedSet<Long> ids, LongPredicate member) {
        int count = 0;
        for (long id : ids) {
            if (member.test(id)) {
                count++;
            }
        }
        return !ids.isEmpty() && count >= ids.size() / 2 + 1;
    }

    private static VoteResult tally(SortedSet<Long> ids, LongPredicate granted, LongPredicate rejected) {
        int yes = 0;
        int no = 0;
        for (long id : ids) {
            if (granted.test(id)) {
                yes++;
            } else if (rejected.test(id)) {
                no++;
            }
        }
        int quorum = ids.size() / 2 + 1;
        if (yes >= quorum) {
            return VoteResult.WON;
        }
        return ids.size() - no < quorum ? VoteResult.LOST : VoteResult.PENDING;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("voters=").append(voters);
        if (isJoint()) {
            text.append(" outgoing=").append(outgoingVoters);
        }
        if (!learners.isEmpty()) {
            text.append(" learners=").append(learners);
        }
        if (!promotions.isEmpty()) {
            List<String> planned = new ArrayList<>();
            promotions.forEach((learner, replaced) -> planned.add(learner + (replaced == 0 ? "" : "->" + replaced)));
            text.append(" promoting=").append(planned);
        }
        return text.toString();
    }
}
