package io.beacon.raft;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Majority arithmetic: quorums (§3.4), the commit index a majority reached (§3.6.2), counting votes. */
class VoterSetTest {

    @Test
    void votersAreKeptSortedAndMustBeDistinct() {
        VoterSet voters = new VoterSet(List.of(3L, 1L, 2L));
        assertThat(voters.ids()).containsExactly(1, 2, 3);
        assertThat(voters.size()).isEqualTo(3);
        assertThat(voters).hasToString("[1, 2, 3]");
        assertThat(voters.contains(2)).isTrue();
        assertThat(voters.contains(4)).isFalse();
        voters.ids()[0] = 99;
        assertThat(voters.ids()).as("ids() hands out a copy").containsExactly(1, 2, 3);
        assertThatThrownBy(() -> new VoterSet(List.of(1L, 2L, 1L))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void section3_4_aQuorumIsAStrictMajority() {
        assertThat(new VoterSet(List.of(1L)).quorum()).isEqualTo(1);
        assertThat(new VoterSet(List.of(1L, 2L)).quorum()).isEqualTo(2);
        assertThat(new VoterSet(List.of(1L, 2L, 3L)).quorum()).isEqualTo(2);
        assertThat(new VoterSet(List.of(1L, 2L, 3L, 4L)).quorum()).isEqualTo(3);
        assertThat(new VoterSet(List.of(1L, 2L, 3L, 4L, 5L)).quorum()).isEqualTo(3);

        VoterSet five = new VoterSet(List.of(1L, 2L, 3L, 4L, 5L));
        assertThat(five.isQuorum(id -> id <= 3)).isTrue();
        assertThat(five.isQuorum(id -> id <= 2)).isFalse();
        assertThat(five.isQuorum(id -> true)).isTrue();
        assertThat(five.isQuorum(id -> false)).isFalse();
    }

    @Test
    void section3_6_2_theCommittedIndexIsTheHighestIndexAMajorityReached() {
        Map<Long, Long> match = Map.of(1L, 9L, 2L, 4L, 3L, 7L, 4L, 1L, 5L, 7L);
        VoterSet five = new VoterSet(List.of(1L, 2L, 3L, 4L, 5L));
        assertThat(five.committedIndex(match::get)).isEqualTo(7);
        VoterSet four = new VoterSet(List.of(1L, 2L, 3L, 4L));
        assertThat(four.committedIndex(match::get)).as("three of four hold 4").isEqualTo(4);
        assertThat(new VoterSet(List.of(4L)).committedIndex(match::get)).isEqualTo(1);
    }

    @Test
    void section3_4_anElectionIsWonByAMajorityOfGrantsAndLostOnceAMajorityIsOutOfReach() {
        VoterSet five = new VoterSet(List.of(1L, 2L, 3L, 4L, 5L));
        assertThat(tally(five, Set.of(1L), Set.of())).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L, 2L), Set.of(3L, 4L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L, 2L, 3L), Set.of(4L, 5L))).isEqualTo(VoteResult.WON);
        assertThat(tally(five, Set.of(1L), Set.of(2L, 3L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(five, Set.of(1L), Set.of(2L, 3L, 4L))).isEqualTo(VoteResult.LOST);
        // A voter that granted is not counted as a rejection even if both predicates hold.
        assertThat(tally(five, Set.of(1L, 2L, 3L), Set.of(1L, 2L, 3L, 4L))).isEqualTo(VoteResult.WON);

        VoterSet three = new VoterSet(List.of(1L, 2L, 3L));
        assertThat(tally(three, Set.of(1L), Set.of(2L))).isEqualTo(VoteResult.PENDING);
        assertThat(tally(three, Set.of(1L), Set.of(2L, 3L))).isEqualTo(VoteResult.LOST);
        assertThat(tally(three, Set.of(1L, 3L), Set.of(2L))).isEqualTo(VoteResult.WON);
    }

    private static VoteResult tally(VoterSet voters, Set<Long> granted, Set<Long> rejected) {
        return voters.tally(granted::contains, rejected::contains);
    }
}
