package io.beacon.raft;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.beacon.raft.Configurations.ids;
import static io.beacon.raft.Configurations.joint;
import static io.beacon.raft.Configurations.learners;
import static io.beacon.raft.Configurations.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster configurations (§4.3): majority arithmetic for a simple configuration (quorums §3.4, the commit index a
 * majority reached §3.6.2, counting votes) and for a joint one (a majority of each of C_old and C_new), the
 * transitions of a change, and the encoding of configuration entries.
 */
class ConfigurationTest {




    private static VoteResult tally(Configuration configuration, Set<Long> granted, Set<Long> rejected) {
        return configuration.tally(granted::contains, rejected::contains);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Members

    @Test
    void membersAreKeptSortedAndCopied() {
        TreeSet<Long> voters = ids(3, 1, 2);
        Configuration configuration = new Configuration(voters, ids(), ids(5, 4), new TreeMap<>());
        voters.add(9L);
        assertThat(configuration.voters()).containsExactly(1L, 2L, 3L);
        assertThat(configuration.learners()).containsExactly(4L, 5L);
        assertThat(configuration.members()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThatThrownBy(() -> configuration.voters().add(7L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> configuration.learners().add(7L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> configuration.outgoingVoters().add(7L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> configuration.promotions().put(4L, 0L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Configuration.of(List.of(3L, 1L, 2L, 1L))).isEqualTo(simple(1, 2, 3));
    }

    @Test
    void section4_3_votersOfEitherHalfOfAJointConfigurationVoteAndLearnersOnlyListen() {
        Configuration configuration = new Configuration(ids(1, 2, 4), ids(1, 2, 3), ids(5), new TreeMap<>());
        assertThat(configuration.isJoint()).isTrue();
        assertThat(simple(1, 2, 3).isJoint()).isFalse();
        for (long voter : List.of(1L, 2L, 3L, 4L)) {
            assertThat(configuration.isVoter(voter)).as("voter %d", voter).isTrue();
            assertThat(configuration.isMember(voter)).isTrue();
        }
        assertThat(configuration.isVoter(5)).isFalse();
        assertThat(configuration.isMember(5)).isTrue();
        assertThat(configuration.isVoter(6)).isFalse();
        assertThat(configuration.isMember(6)).isFalse();
        assertThat(configuration.members()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(Configuration.EMPTY.members()).isEmpty();
        assertThat(Configuration.EMPTY.isJoint()).isFalse();
    }

    @Test
    void aConfigurationRefusesNonPositiveIdsALearnerThatVotesAndPromotionsOfNonLearners() {
        assertThatThrownBy(() -> simple(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("voter ids must be positive");
        assertThatThrownBy(() -> simple(1, -3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Configuration(ids(1), ids(), ids(0), new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learner 0");
        assertThatThrownBy(() -> new Configuration(ids(1, 2), ids(), ids(2), new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learner 2");
        assertThatThrownBy(() -> new Configuration(ids(1), ids(1, 3), ids(3), new TreeMap<>()))
                .as("a learner that is an outgoing voter").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Configuration(ids(1), ids(), ids(4), new TreeMap<>(Map.of(5L, 0L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only learners can be promoted");
        assertThatThrownBy(() -> joint(ids(1, 2), ids(0, 1, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outgoing voter ids must be positive: [0, 1, 2]");
        assertThatThrownBy(() -> joint(ids(1, 2), ids(1, 2, -3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outgoing voter ids must be positive");
        // The largest legal configuration of each kind.
        assertThat(new Configuration(ids(1), ids(1, 2), ids(4), new TreeMap<>(Map.of(4L, 2L))).promotions())
                .containsEntry(4L, 2L);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Majorities of a simple configuration

    @Test
    void section3_4_aQuorumIsAStrictMajority() {
        assertThat(simple(1).isQuorum(id -> true)).isTrue();
        assertThat(simple(1).isQuorum(id -> false)).isFalse();
        assertThat(simple(1, 2).isQuorum(id -> id == 1)).as("one of two").isFalse();
        assertThat(simple(1, 2).isQuorum(id -> true)).isTrue();
        assertThat(simple(1, 2, 3).isQuorum(id -> id <= 2)).isTrue();
        assertThat(simple(1, 2, 3).isQuorum(id -> id == 3)).isFalse();
        assertThat(simple(1, 2, 3, 4).isQuorum(id -> id <= 2)).as("two of four").isFalse();
        assertThat(simple(1, 2, 3, 4).isQuorum(id -> id <= 3)).isTrue();

        Configuration five = simple(1, 2, 3, 4, 5);
        assertThat(five.isQuorum(id -> id <= 3)).isTrue();
        assertThat(five.isQuorum(id -> id <= 2)).isFalse();
        assertThat(five.isQuorum(id -> true)).isTrue();
        assertThat(five.isQuorum(id -> false)).isFalse();
        assertThat(five.isQuorum(id -> id > 5)).as("only non-voters").isFalse();
        assertThat(Configuration.EMPTY.isQuorum(id -> true)).as("no voters, no quorum").isFalse();
    }

    @Test
    void section3_6_2_theCommittedIndexIsTheHighestIndexAMajorityReached() {
        Map<Long, Long> match = Map.of(1L, 9L, 2L, 4L, 3L, 7L, 4L, 1L, 5L, 7L);
        assertThat(simple(1, 2, 3, 4, 5).committedIndex(match::get)).isEqualTo(7);
        assertThat(simple(1, 2, 3, 4).committedIndex(match::get)).as("three of four hold 4").isEqualTo(4);
        assertThat(simple(1, 2, 3).committedIndex(match::get)).isEqualTo(7);
        assertThat(simple(1, 2).committedIndex(match::get)).as("both of two hold 4").isEqualTo(4);
        assertThat(simple(4).committedIndex(match::get)).isEqualTo(1);
        assertThat(Configuration.EMPTY.committedIndex(match::get)).isZero();
    }

    @Test
    void section3_4_anElectionIsWonByAMajorityOfGrantsAndLostOnceAMajorityIsOutOfReach() {
        Configuration five = simple(1, 2, 3, 4, 5);
        assertThat(tally(five, Set.of(1L), Set.of())).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L, 2L), Set.of(3L, 4L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L, 2L, 3L), Set.of(4L, 5L))).isEqualTo(VoteResult.WON);
        assertThat(tally(five, Set.of(1L), Set.of(2L, 3L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L), Set.of(2L, 3L, 4L))).isEqualTo(VoteResult.LOST);
        // A voter that granted is not counted as a rejection even if both predicates hold.
        assertThat(tally(five, Set.of(1L, 2L, 3L), Set.of(1L, 2L, 3L, 4L))).isEqualTo(VoteResult.WON);
        // Answers from non-voters count for nothing.
        assertThat(tally(five, Set.of(1L, 2L, 7L, 8L), Set.of())).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L), Set.of(2L, 3L, 7L))).isEqualTo(VoteResult.PENDING);

        Configuration three = simple(1, 2, 3);
        assertThat(tally(three, Set.of(1L), Set.of(2L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(three, Set.of(1L), Set.of(2L, 3L))).isEqualTo(VoteResult.LOST);
        assertThat(tally(three, Set.of(1L, 3L), Set.of(2L))).isEqualTo(VoteResult.WON);

        Configuration four = simple(1, 2, 3, 4);
        assertThat(tally(four, Set.of(1L, 2L), Set.of(3L))).as("two of four").isEqualTo(VoteResult.PENDING);
        assertThat(tally(four, Set.of(1L, 2L), Set.of(3L, 4L))).isEqualTo(VoteResult.LOST);
        assertThat(tally(simple(1), Set.of(1L), Set.of())).isEqualTo(VoteResult.WON);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Majorities of a joint configuration

    @Test
    void section4_3_aJointQuorumNeedsAMajorityOfBothConfigurations() {
        Configuration joint = joint(ids(1, 4, 5), ids(1, 2, 3));
        assertThat(joint.isQuorum(id -> id == 1 || id == 4)).as("C_new only").isFalse();
        assertThat(joint.isQuorum(id -> id == 1 || id == 4 || id == 5)).as("all of C_new").isFalse();
        assertThat(joint.isQuorum(id -> id <= 3)).as("all of C_old").isFalse();
        assertThat(joint.isQuorum(id -> id == 1 || id == 2 || id == 4)).isTrue();
        assertThat(joint.isQuorum(id -> id == 2 || id == 3 || id == 4 || id == 5)).as("without the shared voter")
                .isTrue();
        assertThat(joint.isQuorum(id -> id == 1)).isFalse();
    }

    @Test
    void section4_3_aJointCommitIndexIsTheLowerOfTheTwoMajorities() {
        Configuration joint = joint(ids(1, 4, 5), ids(1, 2, 3));
        Map<Long, Long> match = Map.of(1L, 10L, 2L, 3L, 3L, 2L, 4L, 9L, 5L, 8L);
        assertThat(simple(1, 4, 5).committedIndex(match::get)).isEqualTo(9);
        assertThat(simple(1, 2, 3).committedIndex(match::get)).isEqualTo(3);
        assertThat(joint.committedIndex(match::get)).isEqualTo(3);
        Map<Long, Long> oldAhead = Map.of(1L, 10L, 2L, 9L, 3L, 9L, 4L, 2L, 5L, 1L);
        assertThat(joint.committedIndex(oldAhead::get)).isEqualTo(2);
    }

    @Test
    void section4_3_aJointElectionIsWonOnlyWithBothMajoritiesAndLostWhenEitherIsOutOfReach() {
        Configuration joint = joint(ids(1, 4, 5), ids(1, 2, 3));
        assertThat(tally(joint, Set.of(1L, 4L, 5L), Set.of())).as("C_new alone").isEqualTo(VoteResult.PENDING);
        assertThat(tally(joint, Set.of(1L, 2L, 3L), Set.of())).as("C_old alone").isEqualTo(VoteResult.PENDING);
        assertThat(tally(joint, Set.of(1L, 2L, 4L), Set.of())).isEqualTo(VoteResult.WON);
        assertThat(tally(joint, Set.of(1L, 4L, 5L), Set.of(2L, 3L))).as("C_old out of reach")
                .isEqualTo(VoteResult.LOST);
        assertThat(tally(joint, Set.of(1L, 2L, 3L), Set.of(4L, 5L))).as("C_new out of reach")
                .isEqualTo(VoteResult.LOST);
        assertThat(tally(joint, Set.of(1L), Set.of(2L, 4L))).isEqualTo(VoteResult.PENDING);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transitions

    @Test
    void section4_2_1_aLearnerIsAddedWithOrWithoutAPlannedPromotionAndRemovedWithIt() {
        Configuration base = simple(1, 2, 3);
        Configuration learner = base.withLearner(4, false, RaftNode.NONE);
        assertThat(learner).isEqualTo(new Configuration(ids(1, 2, 3), ids(), ids(4), new TreeMap<>()));
        Configuration promoted = learner.withLearner(5, true, 2);
        assertThat(promoted.learners()).containsExactly(4L, 5L);
        assertThat(promoted.promotions()).containsExactly(Map.entry(5L, 2L));
        assertThat(promoted.voters()).containsExactly(1L, 2L, 3L);
        Configuration again = promoted.withLearner(4, true, RaftNode.NONE);
        assertThat(again.learners()).as("an existing learner, now to be promoted").containsExactly(4L, 5L);
        assertThat(again.promotions()).containsExactly(Map.entry(4L, 0L), Map.entry(5L, 2L));

        Configuration without = again.withoutLearner(5);
        assertThat(without.learners()).containsExactly(4L);
        assertThat(without.promotions()).containsExactly(Map.entry(4L, 0L));
        assertThat(without.withoutLearner(4)).isEqualTo(base);
        assertThat(base).as("transitions leave the original alone").isEqualTo(simple(1, 2, 3));
    }

    @Test
    void section4_3_enteringAJointConfigurationMakesTheVotersCOldAndPromotesLearnersThatBecomeVoters() {
        Configuration base = simple(1, 2, 3).withLearner(4, true, 3).withLearner(5, true, RaftNode.NONE)
                .withLearner(6, false, RaftNode.NONE);
        Configuration joint = base.enterJoint(ids(1, 2, 4));
        assertThat(joint.voters()).containsExactly(1L, 2L, 4L);
        assertThat(joint.outgoingVoters()).containsExactly(1L, 2L, 3L);
        assertThat(joint.learners()).containsExactly(5L, 6L);
        assertThat(joint.promotions()).as("only the promotion still to come").containsExactly(Map.entry(5L, 0L));
        assertThatThrownBy(() -> joint.enterJoint(ids(1, 2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already in a joint configuration");

        Configuration left = joint.leaveJoint();
        assertThat(left).isEqualTo(new Configuration(ids(1, 2, 4), ids(), ids(5, 6), new TreeMap<>(Map.of(5L, 0L))));
        assertThat(left.isJoint()).isFalse();
        assertThat(simple(1, 2, 3).enterJoint(ids(1, 2)).leaveJoint()).isEqualTo(simple(1, 2));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Encoding

    @Test
    void aConfigurationSurvivesEncodingAndDecoding() {
        List<Configuration> configurations = List.of(
                Configuration.EMPTY,
                simple(1),
                simple(1, 2, 3),
                simple(1, 2, 3).withLearner(4, false, RaftNode.NONE),
                simple(1, 2, 3).withLearner(4, true, 3).withLearner(5, true, RaftNode.NONE).enterJoint(ids(1, 2, 4)),
                new Configuration(ids(Long.MAX_VALUE), ids(1), ids(7), new TreeMap<>(Map.of(7L, Long.MAX_VALUE))));
        for (Configuration configuration : configurations) {
            byte[] encoded = configuration.encode();
            assertThat(Configuration.decode(encoded)).as("%s", configuration).isEqualTo(configuration);
            assertThat(configuration.encode()).as("deterministic").isEqualTo(encoded);
        }
        // Version, three counted id lists, counted promotions.
        assertThat(simple(1, 2).encode()).hasSize(1 + 4 + 16 + 4 + 4 + 4);
        assertThat(simple(1, 2).encode()[0]).isEqualTo((byte) 1);
    }

    @Test
    void aMalformedConfigurationEntryIsAnIllegalArgument() throws IOException {
        byte[] valid = simple(1, 2, 3).withLearner(4, true, 3).encode();
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> Configuration.decode(truncated)).as("cut at %d", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> Configuration.decode(trailing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing bytes");
        byte[] version = valid.clone();
        version[0] = 2;
        assertThatThrownBy(() -> Configuration.decode(version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
        version[0] = 0;
        assertThatThrownBy(() -> Configuration.decode(version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 0");

        assertThatThrownBy(() -> Configuration.decode(encoded(-1, 0, 0, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("implausible member count -1");
        assertThatThrownBy(() -> Configuration.decode(encoded(10_001, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("implausible member count 10001");
        assertThatThrownBy(() -> Configuration.decode(encoded(0, 0, 0, -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("implausible promotion count -1");
        assertThatThrownBy(() -> Configuration.decode(encoded(0, 0, 0, 10_001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("implausible promotion count");
        // The counts at the limit are plausible: what fails then is the missing data.
        assertThatThrownBy(() -> Configuration.decode(encoded(10_000, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Configuration.decode(encoded(0, 0, 0, 10_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThat(Configuration.decode(encoded(0, 0, 0, 0))).isEqualTo(Configuration.EMPTY);
        // Well-formed bytes that describe an impossible configuration are refused too.
        assertThatThrownBy(() -> Configuration.decode(raw(new long[] {1}, new long[] {}, new long[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learner 1");
        assertThatThrownBy(() -> Configuration.decode(raw(new long[] {0}, new long[] {}, new long[] {})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> Configuration.decode(raw(new long[] {1}, new long[] {1, 0}, new long[] {})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outgoing voter ids must be positive");
        assertThat(Configuration.decode(raw(new long[] {1}, new long[] {1, 2}, new long[] {})))
                .isEqualTo(joint(ids(1), ids(1, 2)));
        // Duplicate ids collapse.
        assertThat(Configuration.decode(raw(new long[] {2, 1, 2}, new long[] {}, new long[] {})))
                .isEqualTo(simple(1, 2));
    }

    /** A configuration entry listing these ids as written, with no promotions. */
    private static byte[] raw(long[] voters, long[] outgoing, long[] learners) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            for (long[] list : List.of(voters, outgoing, learners)) {
                out.writeInt(list.length);
                for (long id : list) {
                    out.writeLong(id);
                }
            }
            out.writeInt(0);
        }
        return bytes.toByteArray();
    }

    /** A configuration entry with these counts and no ids behind them. */
    private static byte[] encoded(int voters, int outgoing, int learners, int promotions) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(voters);
            if (voters != 0) {
                return bytes.toByteArray();
            }
            out.writeInt(outgoing);
            out.writeInt(learners);
            out.writeInt(promotions);
        }
        return bytes.toByteArray();
    }

    @Test
    void aConfigurationDescribesItselfBriefly() {
        assertThat(simple(1, 2, 3)).hasToString("voters=[1, 2, 3]");
        assertThat(simple(1, 2, 3).enterJoint(ids(1, 2))).hasToString("voters=[1, 2] outgoing=[1, 2, 3]");
        assertThat(simple(1).withLearner(4, false, RaftNode.NONE)).hasToString("voters=[1] learners=[4]");
        assertThat(simple(1, 2).withLearner(4, true, 2).withLearner(5, true, RaftNode.NONE))
                .hasToString("voters=[1, 2] learners=[4, 5] promoting=[4->2, 5]");
    }
}
