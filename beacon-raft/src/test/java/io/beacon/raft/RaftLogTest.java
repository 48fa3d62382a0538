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

    private static final SnapshotMetadata NO_SNAPSHOT = new SnapshotMetadata(0, 0, Configuration.of(List.of(1L, 2L, 3L)));

    /** A log restored from durable entries with the given terms, indexes 1..n, and committed up to commitIndex. */
    private static RaftLog restored(long commitIndex, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            entries.add(e(i + 1, terms[i]));
        }
        RaftLog log = new RaftLog(NO_SNAPSHOT, entries);
        log.commitTo(commitIndex);
        return log;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Restore

    @Test
    void section3_8_aRestoredLogKeepsItsDurableEntriesAfterTheSnapshotAndStartsCommittedAndAppliedAtIt() {
        SnapshotMetadata snapshot = new SnapshotMetadata(1, 1, Configuration.of(List.of(1L, 2L, 3L)));
        RaftLog log = new RaftLog(snapshot, List.of(e(1, 1), e(2, 1), e(3, 2)));
        assertThat(log.firstIndex()).isEqualTo(2);
        assertThat(log.compactedIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.term(1)).as("the snapshot's term").isEqualTo(1);
        assertThat(log.commitIndex()).isEqualTo(1);
        assertThat(log.appliedIndex()).isEqualTo(1);
        assertThat(log.stableIndex()).isEqualTo(3);
        assertThat(log.hasUnpersisted()).isFalse();
        assertThat(log.takeUnpersisted()).isEmpty();
        assertThat(log.hasCommittedToApply()).isFalse();
        // Only the committed entries after the snapshot go to the state machine.
        log.commitTo(2);
        assertThat(log.hasCommittedToApply()).isTrue();
        assertThat(log.takeCommittedToApply()).containsExactly(e(2, 1));
        assertThat(log.appliedIndex()).isEqualTo(2);
        assertThat(log.hasCommittedToApply()).isFalse();
    }

    @Test
    void anEmptyLogStartsAtIndexOneWithTermZero() {
        RaftLog log = new RaftLog(NO_SNAPSHOT, List.of());
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.compactedIndex()).isZero();
        assertThat(log.lastIndex()).isZero();
        assertThat(log.lastTerm()).isZero();
        assertThat(log.term(0)).isZero();
        assertThat(log.commitIndex()).isZero();
        assertThat(log.appliedIndex()).isZero();
        assertThat(log.stableIndex()).isZero();
        assertThat(log.configuration()).isEqualTo(NO_SNAPSHOT.configuration());
    }

    @Test
    void aLogRestoredFromASnapshotAloneEndsAtTheSnapshot() {
        SnapshotMetadata snapshot = new SnapshotMetadata(7, 3, Configuration.of(List.of(1L, 2L)));
        RaftLog log = new RaftLog(snapshot, List.of());
        assertThat(log.firstIndex()).isEqualTo(8);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.lastTerm()).isEqualTo(3);
        assertThat(log.term(7)).isEqualTo(3);
        assertThat(log.commitIndex()).isEqualTo(7);
        assertThat(log.appliedIndex()).isEqualTo(7);
        assertThat(log.stableIndex()).isEqualTo(7);
        assertThat(log.configuration()).isEqualTo(Configuration.of(List.of(1L, 2L)));
        assertThat(log.configurationIndex()).isEqualTo(7);
        assertThatThrownBy(() -> log.term(6)).isInstanceOf(Checks.InvariantViolation.class);
        assertThat(log.matchTerm(7, 3)).isTrue();
        assertThat(log.matchTerm(6, 3)).as("below the snapshot").isFalse();
    }

    @Test
    void aRestoredLogWithAGapIsRefused() {
        assertThatThrownBy(() -> new RaftLog(NO_SNAPSHOT, List.of(e(1, 1), e(3, 1))))
                .isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("restored log has a gap: expected index 2, found 3");
        assertThatThrownBy(() -> new RaftLog(NO_SNAPSHOT, List.of(e(2, 1))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("gap");
        SnapshotMetadata snapshot = new SnapshotMetadata(3, 1, Configuration.of(List.of(1L)));
        assertThatThrownBy(() -> new RaftLog(snapshot, List.of(e(5, 1))))
                .as("the first entry must follow the snapshot").isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("gap");
        assertThat(new RaftLog(snapshot, List.of(e(4, 1))).lastIndex()).isEqualTo(4);
    }

    @Test
    void aRestoredLogWhoseTermsGoBackIsRefusedButEqualTermsAreFine() {
        assertThatThrownBy(() -> new RaftLog(NO_SNAPSHOT, List.of(e(1, 2), e(2, 1))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("back in term");
        RaftLog log = new RaftLog(NO_SNAPSHOT, List.of(e(1, 2), e(2, 2), e(3, 3)));
        assertThat(log.lastIndex()).isEqualTo(3);
        // The first entry after a snapshot may not go below the snapshot's term either.
        SnapshotMetadata snapshot = new SnapshotMetadata(2, 2, Configuration.of(List.of(1L)));
        assertThatThrownBy(() -> new RaftLog(snapshot, List.of(e(3, 1))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("back in term");
        assertThat(new RaftLog(snapshot, List.of(e(3, 2))).lastTerm()).isEqualTo(2);
    }

    @Test
    void aRestoredLogTracksTheConfigurationEntriesAfterTheSnapshot() {
        Configuration base = Configuration.of(List.of(1L, 2L, 3L));
        Configuration withLearner = base.withLearner(4, false, RaftNode.NONE);
        Configuration older = base.withLearner(9, false, RaftNode.NONE);
        SnapshotMetadata snapshot = new SnapshotMetadata(2, 1, base);
        RaftLog log = new RaftLog(snapshot, List.of(Entry.configuration(2, 1, older), e(3, 1),
                Entry.configuration(4, 1, withLearner), e(5, 1)));
        assertThat(log.configuration()).as("the entry at the snapshot index is ignored").isEqualTo(withLearner);
        assertThat(log.configurationIndex()).isEqualTo(4);
        assertThat(log.configurationAt(2)).isEqualTo(base);
        assertThat(log.configurationAt(3)).isEqualTo(base);
        assertThat(log.configurationAt(4)).isEqualTo(withLearner);
        assertThat(log.configurationAt(5)).isEqualTo(withLearner);
        assertThatThrownBy(() -> log.configurationAt(1)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("below the log start");
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
        RaftLog log = new RaftLog(NO_SNAPSHOT, List.of());
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
        RaftLog log = new RaftLog(NO_SNAPSHOT, List.of());
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

    // ---------------------------------------------------------------------------------------------------------
    // Configurations

    @Test
    void section4_1_theLatestConfigurationEntryIsInForceAndTruncatingItRevertsToTheOneBefore() {
        Configuration base = NO_SNAPSHOT.configuration();
        Configuration learner = base.withLearner(4, false, RaftNode.NONE);
        Configuration joint = base.enterJoint(new java.util.TreeSet<>(List.of(1L, 2L)));
        RaftLog log = restored(0, 1);
        assertThat(log.configuration()).isEqualTo(base);
        assertThat(log.configurationIndex()).isZero();
        log.appendAsLeader(Entry.configuration(2, 1, learner));
        log.appendAsLeader(e(3, 1));
        assertThat(log.configuration()).isEqualTo(learner);
        assertThat(log.configurationIndex()).isEqualTo(2);
        log.appendAsFollower(3, List.of(Entry.configuration(4, 1, joint)));
        assertThat(log.configuration()).isEqualTo(joint);
        assertThat(log.configurationIndex()).isEqualTo(4);
        assertThat(log.configurationAt(1)).isEqualTo(base);
        assertThat(log.configurationAt(3)).isEqualTo(learner);
        assertThat(log.configurationAt(4)).isEqualTo(joint);
        // A conflict at 4 removes the joint configuration; one at 2 the learner's too.
        log.appendAsFollower(3, List.of(e(4, 2)));
        assertThat(log.configuration()).isEqualTo(learner);
        assertThat(log.configurationIndex()).isEqualTo(2);
        log.appendAsFollower(1, List.of(e(2, 3)));
        assertThat(log.configuration()).isEqualTo(base);
        assertThat(log.configurationIndex()).isZero();
    }

    @Test
    void section3_5_aFollowerChecksEveryIncomingEntryBeforeItTruncatesOrAppendsAnything() {
        RaftLog log = restored(1, 1, 1, 1);
        log.takeUnpersisted();
        Configuration four = Configuration.of(List.of(1L, 2L, 3L, 4L));
        Entry malformed = new Entry(3, 2, EntryType.CONFIGURATION, new byte[] {9});
        // A conflicting entry at 2 would truncate 2 and 3, but the configuration entry after it is malformed.
        assertThatThrownBy(() -> log.appendAsFollower(1, List.of(e(2, 2), malformed)))
                .isInstanceOf(IllegalArgumentException.class);
        // Terms going back after the conflict are caught before the truncation too.
        assertThatThrownBy(() -> log.appendAsFollower(1, List.of(e(2, 2), Entry.configuration(3, 1, four))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("below its predecessor");
        // Appending after the last entry as well.
        assertThatThrownBy(() -> log.appendAsFollower(3, List.of(e(4, 1), new Entry(5, 1, EntryType.CONFIGURATION,
                new byte[0])))).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.term(2)).isEqualTo(1);
        assertThat(log.term(3)).isEqualTo(1);
        assertThat(log.configuration()).isEqualTo(NO_SNAPSHOT.configuration());
        assertThat(log.configurationIndex()).isZero();
        assertThat(log.hasUnpersisted()).isFalse();
        assertThat(log.stableIndex()).isEqualTo(3);

        // The same message, well formed, replaces the conflicting entries.
        assertThat(log.appendAsFollower(1, List.of(e(2, 2), Entry.configuration(3, 2, four)))).isEqualTo(3);
        assertThat(log.term(2)).isEqualTo(2);
        assertThat(log.configuration()).isEqualTo(four);
        assertThat(log.configurationIndex()).isEqualTo(3);
        assertThat(log.takeUnpersisted()).extracting(Entry::index).containsExactly(2L, 3L);
    }

    @Test
    void section3_5_aConflictingEntryIsCheckedAgainstTheTermOfItsPredecessorNotOfTheLastEntry() {
        RaftLog log = restored(1, 1, 3);
        // Entry 2 of term 2 follows 1@1: fine, although the log's last term (3) is higher.
        log.appendAsFollower(1, List.of(e(2, 2)));
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.term(2)).isEqualTo(2);
        // After the last entry, the last term is the predecessor's.
        assertThatThrownBy(() -> log.appendAsFollower(2, List.of(e(3, 1))))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("below its predecessor");
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    @Test
    void aMalformedConfigurationEntryIsRefused() {
        RaftLog log = restored(0);
        assertThatThrownBy(() -> log.appendAsLeader(new Entry(1, 1, EntryType.CONFIGURATION, new byte[] {9})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Compaction (§5.1)

    /** Entries 1..5 of term 1 (3 and 5 holding configurations), handed out, durable, committed and applied. */
    private static RaftLog appliedLog() {
        RaftLog log = restored(0);
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(e(2, 1));
        log.appendAsLeader(Entry.configuration(3, 1, NO_SNAPSHOT.configuration().withLearner(4, false, 0)));
        log.appendAsLeader(e(4, 1));
        log.appendAsLeader(Entry.configuration(5, 2, NO_SNAPSHOT.configuration().withLearner(5, false, 0)));
        log.takeUnpersisted();
        log.stableTo(5, 2);
        log.commitTo(5);
        log.takeCommittedToApply();
        return log;
    }

    @Test
    void section5_1_compactionDropsTheEntriesUpToAnIndexButKeepsItsTermAndConfiguration() {
        RaftLog log = appliedLog();
        log.compactTo(3);
        assertThat(log.compactedIndex()).isEqualTo(3);
        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(3)).isEqualTo(1);
        assertThat(log.entry(4)).isEqualTo(e(4, 1));
        assertThatThrownBy(() -> log.term(2)).isInstanceOf(Checks.InvariantViolation.class);
        assertThat(log.configurationAt(3)).isEqualTo(NO_SNAPSHOT.configuration().withLearner(4, false, 0));
        assertThat(log.configurationAt(4)).isEqualTo(NO_SNAPSHOT.configuration().withLearner(4, false, 0));
        assertThat(log.configuration()).isEqualTo(NO_SNAPSHOT.configuration().withLearner(5, false, 0));
        assertThat(log.configurationIndex()).isEqualTo(5);
        assertThat(log.matchTerm(3, 1)).isTrue();
        assertThat(log.matchTerm(2, 1)).isFalse();
        assertThat(log.slice(4, 10, 1000)).extracting(Entry::index).containsExactly(4L, 5L);
        assertThatThrownBy(() -> log.slice(3, 10, 1000)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("below the log start 4");
        assertThat(log.findConflictByTerm(5, 0)).as("never below the compacted index").isEqualTo(3);
        assertThat(log.findConflictByTerm(5, 1)).isEqualTo(4);
        assertThat(log.findConflictByTerm(2, 0)).as("already below it").isEqualTo(2);

        // Compacting to or below where it is changes nothing; the whole log can go.
        log.compactTo(3);
        log.compactTo(1);
        assertThat(log.firstIndex()).isEqualTo(4);
        log.compactTo(5);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.configuration()).isEqualTo(NO_SNAPSHOT.configuration().withLearner(5, false, 0));
        assertThat(log.configurationIndex()).as("no entry left: the compacted index").isEqualTo(5);
        // The log goes on after it.
        log.appendAsLeader(e(6, 2));
        assertThat(log.takeUnpersisted()).containsExactly(e(6, 2));
        log.commitTo(6);
        assertThat(log.takeCommittedToApply()).containsExactly(e(6, 2));
    }

    @Test
    void section5_1_compactionNeverDropsEntriesNotYetAppliedOrNeverHandedOut() {
        RaftLog log = restored(0);
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(e(2, 1));
        log.takeUnpersisted();
        log.commitTo(2);
        assertThatThrownBy(() -> log.compactTo(1)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("not yet applied");
        log.takeCommittedToApply();
        log.compactTo(1);
        log.appendAsLeader(e(3, 1));
        assertThatThrownBy(() -> log.compactTo(3)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("not yet applied");
        assertThat(log.firstIndex()).isEqualTo(2);
        // Entries committed and applied but not handed out for persistence (a follower's snapshot is
        // installed over them) must not go either.
        RaftLog follower = restored(0);
        follower.appendAsFollower(0, List.of(e(1, 1), e(2, 1)));
        follower.commitTo(2);
        follower.takeCommittedToApply();
        assertThatThrownBy(() -> follower.compactTo(2)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("never handed out");
        follower.takeUnpersisted();
        follower.compactTo(2);
        assertThat(follower.firstIndex()).isEqualTo(3);
    }

    @Test
    void section5_1_entriesCompactedBeforeTheirWriteWasAcknowledgedCountAsDurable() {
        RaftLog log = restored(0);
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(e(2, 1));
        log.appendAsLeader(e(3, 1));
        log.takeUnpersisted();
        log.commitTo(3);
        log.takeCommittedToApply();
        log.compactTo(2);
        log.stableTo(1, 1);
        assertThat(log.stableIndex()).isEqualTo(1);
        log.stableTo(2, 7);
        assertThat(log.stableIndex()).as("covered by the snapshot, whatever the term").isEqualTo(2);
        log.stableTo(3, 1);
        assertThat(log.stableIndex()).isEqualTo(3);
    }

    @Test
    void section3_5_aFollowerSkipsEntriesItsSnapshotCovers() {
        SnapshotMetadata snapshot = new SnapshotMetadata(3, 1, NO_SNAPSHOT.configuration());
        RaftLog log = new RaftLog(snapshot, List.of(e(4, 1)));
        assertThat(log.appendAsFollower(1, List.of(e(2, 1), e(3, 1), e(4, 1), e(5, 2)))).isEqualTo(5);
        assertThat(log.takeUnpersisted()).containsExactly(e(5, 2));
        assertThat(log.appendAsFollower(0, List.of(e(1, 1), e(2, 1)))).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.hasUnpersisted()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Installing a snapshot (§5.3)

    @Test
    void section5_3_aSnapshotWhoseLastEntryTheLogHoldsKeepsTheEntriesAfterIt() {
        Configuration learner = NO_SNAPSHOT.configuration().withLearner(4, false, 0);
        Configuration other = NO_SNAPSHOT.configuration().withLearner(9, false, 0);
        RaftLog log = restored(1, 1, 1);
        log.appendAsFollower(2, List.of(Entry.configuration(3, 1, other), e(4, 1), Entry.configuration(5, 1, learner)));
        log.appendAsFollower(5, List.of(e(6, 1)));
        assertThat(log.takeUnpersisted()).hasSize(4);
        log.appendAsFollower(6, List.of(e(7, 1)));
        log.stableTo(6, 1);
        SnapshotMetadata snapshot = new SnapshotMetadata(4, 1, other);
        log.installSnapshot(snapshot);
        assertThat(log.compactedIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.entry(5)).isEqualTo(Entry.configuration(5, 1, learner));
        assertThat(log.commitIndex()).isEqualTo(4);
        assertThat(log.appliedIndex()).isEqualTo(4);
        assertThat(log.hasCommittedToApply()).isFalse();
        assertThat(log.stableIndex()).isEqualTo(6);
        assertThat(log.configuration()).isEqualTo(learner);
        assertThat(log.configurationAt(4)).isEqualTo(other);
        assertThat(log.configurationIndex()).isEqualTo(5);
        assertThat(log.takeUnpersisted()).as("entry 7 was never handed out").containsExactly(e(7, 1));
        log.commitTo(6);
        assertThat(log.takeCommittedToApply()).extracting(Entry::index).containsExactly(5L, 6L);
    }

    @Test
    void section5_3_aSnapshotCoveringEntriesNotYetHandedOutHandsThemOutWithIt() {
        RaftLog log = restored(0);
        log.appendAsFollower(0, List.of(e(1, 1), e(2, 1), e(3, 1)));
        log.installSnapshot(new SnapshotMetadata(2, 1, NO_SNAPSHOT.configuration()));
        assertThat(log.takeUnpersisted()).containsExactly(e(3, 1));
        assertThat(log.stableIndex()).isZero();
        log.stableTo(2, 1);
        assertThat(log.stableIndex()).isEqualTo(2);
    }

    @Test
    void section5_3_aSnapshotThatConflictsWithTheLogReplacesItWhole() {
        Configuration learner = NO_SNAPSHOT.configuration().withLearner(4, false, 0);
        RaftLog log = restored(1, 1, 1, 1, 1);
        log.appendAsFollower(4, List.of(Entry.configuration(5, 1, learner)));
        log.takeUnpersisted();
        log.stableTo(5, 1);
        Configuration snapshotConfiguration = Configuration.of(List.of(1L, 2L));
        log.installSnapshot(new SnapshotMetadata(3, 2, snapshotConfiguration));
        assertThat(log.compactedIndex()).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.commitIndex()).isEqualTo(3);
        assertThat(log.appliedIndex()).isEqualTo(3);
        assertThat(log.stableIndex()).as("never beyond the log").isLessThanOrEqualTo(3);
        assertThat(log.configuration()).isEqualTo(snapshotConfiguration);
        assertThat(log.configurationIndex()).isEqualTo(3);
        assertThat(log.hasUnpersisted()).isFalse();
        assertThat(log.takeUnpersisted()).isEmpty();
        log.appendAsFollower(3, List.of(e(4, 2)));
        assertThat(log.takeUnpersisted()).containsExactly(e(4, 2));

        // Beyond the end of a short log.
        RaftLog shorter = restored(0, 1);
        shorter.installSnapshot(new SnapshotMetadata(9, 3, snapshotConfiguration));
        assertThat(shorter.firstIndex()).isEqualTo(10);
        assertThat(shorter.lastIndex()).isEqualTo(9);
        assertThat(shorter.stableIndex()).isEqualTo(1);
        assertThat(shorter.takeUnpersisted()).isEmpty();
        shorter.stableTo(9, 3);
        assertThat(shorter.stableIndex()).isEqualTo(9);
    }

    @Test
    void section5_3_aSnapshotIsNeverInstalledAtOrBelowTheCommitIndex() {
        RaftLog log = restored(2, 1, 1, 1);
        assertThatThrownBy(() -> log.installSnapshot(new SnapshotMetadata(2, 1, NO_SNAPSHOT.configuration())))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("below the commit index 2");
        log.installSnapshot(new SnapshotMetadata(3, 1, NO_SNAPSHOT.configuration()));
        assertThat(log.commitIndex()).isEqualTo(3);
    }

    @Test
    void entriesThatWouldLeaveAGapAfterTheLastOneAreRefused() {
        RaftLog log = restored(0, 1, 1);
        assertThatThrownBy(() -> log.appendAsFollower(5, List.of(e(6, 1))))
                .isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("entries at 6 would leave a gap after the last index 2");
        assertThat(log.appendAsFollower(2, List.of(e(3, 1)))).isEqualTo(3);
    }

    @Test
    void section5_1_entriesAtOrBelowTheCompactedIndexAreNeverReexamined() {
        SnapshotMetadata snapshot = new SnapshotMetadata(3, 1, NO_SNAPSHOT.configuration());
        RaftLog log = new RaftLog(snapshot, List.of(e(4, 1), e(5, 1), e(6, 1)));
        // An entry at the compacted index is committed; whatever a message says about it, it stays.
        assertThat(log.appendAsFollower(2, List.of(e(3, 2)))).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(6);
        // A conflict after a compacted prefix truncates at the right place.
        log.appendAsFollower(4, List.of(e(5, 2)));
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(4)).isEqualTo(1);
        assertThat(log.term(5)).isEqualTo(2);
        assertThat(log.takeUnpersisted()).containsExactly(e(5, 2));
    }

    @Test
    void section5_1_compactingPastEveryConfigurationEntryLeavesTheCompactedIndexAsTheConfigurationIndex() {
        Configuration learner = NO_SNAPSHOT.configuration().withLearner(4, false, 0);
        RaftLog log = restored(0);
        log.appendAsLeader(e(1, 1));
        log.appendAsLeader(Entry.configuration(2, 1, learner));
        log.appendAsLeader(e(3, 1));
        log.appendAsLeader(e(4, 1));
        log.takeUnpersisted();
        log.commitTo(4);
        log.takeCommittedToApply();
        assertThat(log.configurationIndex()).isEqualTo(2);
        log.compactTo(3);
        assertThat(log.configurationIndex()).isEqualTo(3);
        assertThat(log.configuration()).isEqualTo(learner);
        assertThat(log.configurationAt(4)).isEqualTo(learner);
    }

    @Test
    void section5_3_aMatchingSnapshotOnAnAlreadyCompactedLogKeepsTheRightEntries() {
        Configuration learner = NO_SNAPSHOT.configuration().withLearner(4, false, 0);
        SnapshotMetadata first = new SnapshotMetadata(2, 1, NO_SNAPSHOT.configuration());
        RaftLog log = new RaftLog(first, List.of(e(3, 1), Entry.configuration(4, 1, learner), e(5, 1), e(6, 1)));
        log.installSnapshot(new SnapshotMetadata(5, 1, learner));
        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.entry(6)).isEqualTo(e(6, 1));
        assertThat(log.configurationIndex()).as("no configuration entry after the snapshot").isEqualTo(5);
        assertThat(log.configuration()).isEqualTo(learner);
    }
}
