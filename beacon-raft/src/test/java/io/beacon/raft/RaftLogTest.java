package io.beacon.raft;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory log: restore checks, the consistency check (§3.5), the election restriction (§3.6.1), indexes. */
class RaftLogTest {

    private static Entry e(long index, long term) {
        return Entry.command(index, term, new byte[] {(byte) index});
    }

    /** A log restored from durable entries with the given terms, indexes 1..n. */
    private static RaftLog restored(long commitIndex, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            entries.add(e(i + 1, terms[i]));
        }
        return new RaftLog(entries, commitIndex, 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Restore

    @Test
    void section3_8_aRestoredLogKeepsItsDurableEntriesAndIndexes() {
        RaftLog log = new RaftLog(List.of(e(1, 1), e(2, 1), e(3, 2)), 2, 1);
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.commitIndex()).isEqualTo(2);
        assertThat(log.appliedIndex()).isEqualTo(1);
        assertThat(log.stableIndex()).isEqualTo(3);
        assertThat(log.hasUnpersisted()).isFalse();
        assertThat(log.takeUnpersisted()).isEmpty();
        // Only the committed entries after the applied index go to the state machine.
        assertThat(log.hasCommittedToApply()).isTrue();
        assertThat(log.takeCommittedToApply()).containsExactly(e(2, 1));
        assertThat(log.appliedIndex()).isEqualTo(2);
        assertThat(log.hasCommittedToApply()).isFalse();
    }

    @Test
    void anEmptyLogStartsAtIndexOneWithTermZero() {
        RaftLog log = new RaftLog(List.of(), 0, 0);
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.lastTerm()).isZero();
        assertThat(log.term(0)).isZero();
    }

    @Test
    void aRestoredLogWithAGapIsRefused() {
        assertThatThrownBy(() -> new RaftLog(List.of(e(1, 1), e(3, 1)), 0, 0))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("gap");
        assertThatThrownBy(() -> new RaftLog(List.of(e(2, 1)), 0, 0))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("gap");
    }

    @Test
    void aRestoredLogWhoseTermsGoBackIsRefusedButEqualTermsAreFine() {
        assertThatThrownBy(() -> new RaftLog(List.of(e(1, 2), e(2, 1)), 0, 0))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("back in term");
        RaftLog log = new RaftLog(List.of(e(1, 2), e(2, 2), e(3, 3)), 0, 0);
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void aRestoredCommitIndexMustLieInTheLogAndTheAppliedIndexBelowIt() {
        assertThatThrownBy(() -> new RaftLog(List.of(e(1, 1)), 2, 0))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("commit index");
        assertThatThrownBy(() -> new RaftLog(List.of(e(1, 1), e(2, 1)), 1, 2))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("applied index");
        // The bounds themselves are allowed.
        RaftLog log = new RaftLog(List.of(e(1, 1), e(2, 1)), 2, 2);
        assertThat(log.commitIndex()).isEqualTo(2);
        assertThat(log.hasCommittedToApply()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Terms and the consistency check

    @Test
    void termIsKnownOnlyInsideTheLog() {
        RaftLog log = restored(0, 1, 2);
        assertThat(log.term(1)).isEqualTo(1);
        assertThat(log.term(2)).isEqualTo(2);
        assertThatThrownBy(() -> log.term(3)).isInstanceOf(Checks.InvariantViolation.class);
        assertThatThrownBy(() -> log.term(-1)).isInstanceOf(Checks.InvariantViolation.class);
    }

    @Test
    void section3_5_matchTermHoldsOnlyForAnEntryWithThatIndexAndTerm() {
        RaftLog log = restored(0, 1, 2);
        assertThat(log.matchTerm(0, 0)).isTrue();
        assertThat(log.matchTerm(1, 1)).isTrue();
        assertThat(log.matchTerm(2, 2)).isTrue();
        assertThat(log.matchTerm(2, 1)).isFalse();
        assertThat(log.matchTerm(1, 2)).isFalse();
        assertThat(log.matchTerm(3, 2)).as("beyond the last index").isFalse();
        assertThat(log.matchTerm(-1, 0)).as("below the log").isFalse();
    }

    @Test
    void section3_6_1_aLogIsUpToDateIfItsLastTermIsHigherOrItsTermEqualAndItIsAtLeastAsLong() {
        RaftLog log = restored(0, 1, 2, 2);
        assertThat(log.isUpToDate(3, 2)).as("same last entry").isTrue();
        assertThat(log.isUpToDate(4, 2)).as("longer, same term").isTrue();
        assertThat(log.isUpToDate(2, 2)).as("shorter, same term").isFalse();
        assertThat(log.isUpToDate(1, 3)).as("shorter, higher term").isTrue();
        assertThat(log.isUpToDate(10, 1)).as("longer, lower term").isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Appending

    @Test
    void aLeaderAppendsOnlyTheNextIndexAndNeverALowerTerm() {
        RaftLog log = restored(0, 2);
        assertThatThrownBy(() -> log.appendAsLeader(e(3, 2))).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("after last index");
        assertThatThrownBy(() -> log.appendAsLeader(e(1, 2))).isInstanceOf(Checks.InvariantViolation.class);
        assertThatThrownBy(() -> log.appendAsLeader(e(2, 1))).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("after term");
        log.appendAsLeader(e(2, 2));
        log.appendAsLeader(e(3, 3));
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.hasUnpersisted()).isTrue();
        assertThat(log.takeUnpersisted()).containsExactly(e(2, 2), e(3, 3));
        assertThat(log.hasUnpersisted()).isFalse();
    }

    @Test
    void section3_5_aFollowerAppendsNewEntriesAfterTheMatchingOnes() {
        RaftLog log = restored(0, 1, 1);
        assertThat(log.appendAsFollower(2, List.of(e(3, 1), e(4, 2)))).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(2);
        assertThat(log.takeUnpersisted()).containsExactly(e(3, 1), e(4, 2));
    }

    @Test
    void section3_5_anOverlappingRetransmissionKeepsWhatTheFollowerHolds() {
        RaftLog log = restored(3, 1, 1, 1);
        // Covers entries already held (all committed) and one new one.
        assertThat(log.appendAsFollower(0, List.of(e(1, 1), e(2, 1), e(3, 1), e(4, 1)))).isEqualTo(4);
        assertThat(log.takeUnpersisted()).containsExactly(e(4, 1));
        assertThat(log.stableIndex()).isEqualTo(3);
        // Retransmissions of entries already held, up to the last one, rewrite nothing.
        log.stableTo(4, 1);
        assertThat(log.appendAsFollower(2, List.of(e(3, 1)))).isEqualTo(3);
        assertThat(log.appendAsFollower(3, List.of(e(4, 1)))).isEqualTo(4);
        assertThat(log.hasUnpersisted()).isFalse();
        assertThat(log.stableIndex()).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
    }

    @Test
    void section3_5_theFirstConflictingEntryAndAllAfterItAreReplaced() {
        RaftLog log = restored(1, 1, 1, 1, 1);
        log.takeUnpersisted();
        assertThat(log.stableIndex()).isEqualTo(4);
        // The conflict is at the last index itself.
        assertThat(log.appendAsFollower(3, List.of(e(4, 2)))).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(2);
        assertThat(log.stableIndex()).isEqualTo(3);
        assertThat(log.takeUnpersisted()).containsExactly(e(4, 2));
        log.stableTo(4, 2);
        // A conflict in the middle drops the tail behind it.
        assertThat(log.appendAsFollower(1, List.of(e(2, 3)))).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.term(2)).isEqualTo(3);
        assertThat(log.stableIndex()).isEqualTo(1);
        assertThat(log.takeUnpersisted()).containsExactly(e(2, 3));
    }

    @Test
    void section3_5_committedEntriesAreNeverTruncated() {
        RaftLog log = restored(2, 1, 1, 1);
        assertThatThrownBy(() -> log.appendAsFollower(1, List.of(e(2, 2))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("committed");
        assertThatThrownBy(() -> log.appendAsFollower(0, List.of(e(1, 2))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("committed");
        assertThat(log.lastIndex()).isEqualTo(3);
        // Just above the commit index is fine.
        log.appendAsFollower(2, List.of(e(3, 2)));
        assertThat(log.term(3)).isEqualTo(2);
    }

    @Test
    void entriesAppendedByAFollowerMustBeConsecutiveAndNeverGoBackInTerm() {
        RaftLog log = restored(0, 2);
        assertThatThrownBy(() -> log.appendAsFollower(1, List.of(e(3, 2))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("not consecutive");
        assertThatThrownBy(() -> log.appendAsFollower(0, List.of(e(1, 2), e(3, 2))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("not consecutive");
        assertThatThrownBy(() -> log.appendAsFollower(1, List.of(e(2, 1))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("below its predecessor");
        assertThat(log.lastIndex()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fast backtracking

    @Test
    void section3_5_findConflictByTermSkipsBackOverHigherTerms() {
        RaftLog log = restored(0, 1, 1, 2, 2, 3);
        assertThat(log.findConflictByTerm(5, 3)).isEqualTo(5);
        assertThat(log.findConflictByTerm(5, 2)).isEqualTo(4);
        assertThat(log.findConflictByTerm(5, 1)).isEqualTo(2);
        assertThat(log.findConflictByTerm(5, 0)).isZero();
        assertThat(log.findConflictByTerm(3, 2)).isEqualTo(3);
        assertThat(log.findConflictByTerm(9, 2)).as("clamped to the last index").isEqualTo(4);
        assertThat(log.findConflictByTerm(9, 5)).isEqualTo(5);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batching

    @Test
    void section3_5_aSliceIsBoundedByCountAndByBytesButHoldsAtLeastOneEntry() {
        RaftLog log = restored(0, 1, 1, 1, 1, 1);
        int size = e(1, 1).sizeInBytes();
        assertThat(log.slice(1, 100, Integer.MAX_VALUE)).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.slice(2, 2, Integer.MAX_VALUE)).extracting(Entry::index).containsExactly(2L, 3L);
        assertThat(log.slice(5, 100, Integer.MAX_VALUE)).extracting(Entry::index).containsExactly(5L);
        assertThat(log.slice(1, 100, 2 * size)).as("exactly two entries' bytes").extracting(Entry::index)
                .containsExactly(1L, 2L);
        assertThat(log.slice(1, 100, 2 * size - 1)).extracting(Entry::index).containsExactly(1L);
        assertThat(log.slice(3, 100, 1)).as("one entry even over the byte limit").extracting(Entry::index)
                .containsExactly(3L);
    }

    @Test
    void aSliceAfterTheLastEntryIsEmptyAndOneBelowTheLogIsRefused() {
        RaftLog log = restored(0, 1, 1);
        assertThat(log.slice(3, 10, 1000)).isEmpty();
        assertThat(log.slice(4, 10, 1000)).isEmpty();
        assertThatThrownBy(() -> log.slice(0, 10, 1000)).isInstanceOf(Checks.InvariantViolation.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Commit, persistence and application

    @Test
    void theCommitIndexOnlyMovesForwardAndNeverPastTheLog() {
        RaftLog log = restored(1, 1, 1, 1);
        assertThat(log.commitTo(1)).isFalse();
        assertThat(log.commitTo(0)).isFalse();
        assertThat(log.commitIndex()).isEqualTo(1);
        assertThat(log.commitTo(3)).isTrue();
        assertThat(log.commitIndex()).isEqualTo(3);
        assertThatThrownBy(() -> log.commitTo(4)).isInstanceOf(Checks.InvariantViolation.class);
        assertThat(log.commitIndex()).isEqualTo(3);
    }

    @Test
    void committedEntriesAreHandedToTheApplicationOnce() {
        RaftLog log = new RaftLog(List.of(), 0, 0);
        assertThat(log.hasCommittedToApply()).isFalse();
        assertThat(log.takeCommittedToApply()).isEmpty();
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(e(2, 1));
        log.appendAsLeader(e(3, 1));
        log.commitTo(2);
        assertThat(log.hasCommittedToApply()).isTrue();
        assertThat(log.takeCommittedToApply()).containsExactly(e(1, 1), e(2, 1));
        assertThat(log.appliedIndex()).isEqualTo(2);
        assertThat(log.takeCommittedToApply()).isEmpty();
        log.commitTo(3);
        assertThat(log.takeCommittedToApply()).containsExactly(e(3, 1));
        assertThat(log.appliedIndex()).isEqualTo(3);
    }

    @Test
    void section10_2_1_stableIndexMovesOnlyForwardAndOnlyForAnEntryStillInTheLog() {
        RaftLog log = new RaftLog(List.of(), 0, 0);
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(e(2, 1));
        log.appendAsLeader(e(3, 1));
        log.takeUnpersisted();
        assertThat(log.stableIndex()).isZero();
        log.stableTo(3, 2);
        assertThat(log.stableIndex()).as("wrong term: a stale acknowledgement").isZero();
        log.stableTo(4, 1);
        assertThat(log.stableIndex()).as("beyond the log").isZero();
        log.stableTo(3, 1);
        assertThat(log.stableIndex()).isEqualTo(3);
        log.stableTo(2, 1);
        assertThat(log.stableIndex()).as("never back").isEqualTo(3);
    }
}
