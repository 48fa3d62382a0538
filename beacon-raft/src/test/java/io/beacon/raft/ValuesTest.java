package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.InstallSnapshot;
import io.beacon.raft.message.Message;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The value types of the core: entries, Readys, messages, refusals and invariant checks. */
class ValuesTest {

    @Test
    void entriesAreEqualOnlyWithTheSameIndexTermTypeAndData() {
        Entry entry = Entry.command(3, 2, new byte[] {1, 2});
        assertThat(entry).isEqualTo(Entry.command(3, 2, new byte[] {1, 2}));
        assertThat(entry).hasSameHashCodeAs(Entry.command(3, 2, new byte[] {1, 2}));
        assertThat(entry).isNotEqualTo(Entry.command(4, 2, new byte[] {1, 2}));
        assertThat(entry).isNotEqualTo(Entry.command(3, 3, new byte[] {1, 2}));
        assertThat(entry).isNotEqualTo(new Entry(3, 2, EntryType.NOOP, new byte[] {1, 2}));
        assertThat(entry).isNotEqualTo(Entry.command(3, 2, new byte[] {1, 3}));
        assertThat(entry).isNotEqualTo("Entry[3@2]");
        assertThat(Entry.noop(3, 2)).isEqualTo(new Entry(3, 2, EntryType.NOOP, new byte[0]));
    }

    @Test
    void entriesOfALogSpreadOverDistinctHashCodes() {
        Set<Integer> hashes = new HashSet<>();
        for (long index = 1; index <= 50; index++) {
            hashes.add(Entry.noop(index, 1).hashCode());
        }
        assertThat(hashes).hasSize(50);
        assertThat(Entry.noop(1, 1).hashCode()).isNotEqualTo(Entry.noop(1, 2).hashCode());
    }

    @Test
    void anEntryDescribesItselfByIndexTermTypeAndSize() {
        assertThat(Entry.command(3, 2, new byte[5])).hasToString("Entry[3@2 COMMAND 5B]");
        assertThat(Entry.noop(1, 1)).hasToString("Entry[1@1 NOOP 0B]");
        assertThat(Entry.command(3, 2, new byte[5]).sizeInBytes()).isEqualTo(29);
    }

    @Test
    void anEntryNeedsAPositiveIndexAndTermATypeAndData() {
        assertThatThrownBy(() -> Entry.command(0, 1, new byte[0])).isInstanceOf(Checks.InvariantViolation.class);
        assertThatThrownBy(() -> Entry.command(1, 0, new byte[0])).isInstanceOf(Checks.InvariantViolation.class);
        assertThatThrownBy(() -> Entry.command(1, 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry(1, 1, null, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static final SnapshotMetadata SNAPSHOT = new SnapshotMetadata(5, 2, Configuration.of(List.of(1L, 2L)));

    /** A Ready with only the given parts set. */
    private static Ready ready(HardState hardState, List<SnapshotChunk> chunks, List<Entry> entries,
                               List<Message> messages, List<Message> afterPersist, List<Entry> committed,
                               List<ReadState> readStates, List<SnapshotRead> reads, boolean snapshotDue) {
        return new Ready(0, hardState, chunks, entries, messages, afterPersist, committed, readStates, reads,
                snapshotDue);
    }

    private static Ready empty() {
        return ready(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false);
    }

    @Test
    void aReadyMustBePersistedWhenItCarriesAHardStateSnapshotChunksOrEntries() {
        Ready empty = empty();
        assertThat(empty.mustPersist()).isFalse();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.installedSnapshot()).isNull();

        Ready hardState = ready(new HardState(1, 0), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), false);
        assertThat(hardState.mustPersist()).isTrue();
        assertThat(hardState.isEmpty()).isFalse();

        Ready entries = ready(null, List.of(), List.of(Entry.noop(1, 1)), List.of(), List.of(), List.of(), List.of(),
                List.of(), false);
        assertThat(entries.mustPersist()).isTrue();
        assertThat(entries.isEmpty()).isFalse();

        Ready chunk = ready(null, List.of(new SnapshotChunk(SNAPSHOT, 0, new byte[3], false)), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), false);
        assertThat(chunk.mustPersist()).isTrue();
        assertThat(chunk.isEmpty()).isFalse();
        assertThat(chunk.installedSnapshot()).as("not the last chunk").isNull();
    }

    @Test
    void section5_3_aReadyInstallsTheSnapshotOfItsLastChunk() {
        Ready ready = ready(null, List.of(new SnapshotChunk(SNAPSHOT, 0, new byte[3], false),
                        new SnapshotChunk(SNAPSHOT, 3, new byte[2], true)), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), false);
        assertThat(ready.installedSnapshot()).isEqualTo(SNAPSHOT);
    }

    @Test
    void aReadyIsEmptyOnlyWithNothingToPersistSendApplyOrAnswer() {
        Heartbeat message = new Heartbeat(1, 1, 2, 0, 1);
        List<Ready> nonEmpty = List.of(
                ready(null, List.of(), List.of(), List.of(message), List.of(), List.of(), List.of(), List.of(), false),
                ready(null, List.of(), List.of(), List.of(), List.of(message), List.of(), List.of(), List.of(), false),
                ready(null, List.of(), List.of(), List.of(), List.of(), List.of(Entry.noop(1, 1)), List.of(), List.of(),
                        false),
                ready(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(ReadState.rejected(1)),
                        List.of(), false),
                ready(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(new SnapshotRead(2, 5, 0, 8)), false),
                ready(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), true));
        for (Ready ready : nonEmpty) {
            assertThat(ready.mustPersist()).as("%s", ready).isFalse();
            assertThat(ready.isEmpty()).as("%s", ready).isFalse();
        }
    }

    @Test
    void section3_5_appendEntriesFollowPrevLogIndexWithoutGaps() {
        AppendEntries append = new AppendEntries(1, 1, 2, 4, 1, List.of(Entry.noop(5, 1), Entry.noop(6, 1)), 0);
        assertThat(append.lastIndex()).isEqualTo(6);
        assertThat(new AppendEntries(1, 1, 2, 4, 1, List.of(), 0).lastIndex()).isEqualTo(4);
        assertThatThrownBy(() -> new AppendEntries(1, 1, 2, 4, 1, List.of(Entry.noop(6, 1)), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalSaysWhyAndNamesTheLeaderItKnows() {
        ProposalRejectedException notLeader = new ProposalRejectedException(
                ProposalRejectedException.Reason.NOT_LEADER, 3);
        assertThat(notLeader.reason()).isEqualTo(ProposalRejectedException.Reason.NOT_LEADER);
        assertThat(notLeader.leaderHint()).isEqualTo(3);
        assertThat(notLeader).hasMessage("not the leader (leader hint: 3)");

        ProposalRejectedException transfer = new ProposalRejectedException(
                ProposalRejectedException.Reason.LEADERSHIP_TRANSFER_IN_PROGRESS, 1);
        assertThat(transfer).hasMessage("leadership transfer in progress");

        assertThat(new ProposalRejectedException(ProposalRejectedException.Reason.NO_COMMIT_IN_TERM, 1))
                .hasMessage("the new leader has not committed an entry of its term yet");
        ProposalRejectedException change = new ProposalRejectedException(
                ProposalRejectedException.Reason.MEMBERSHIP_CHANGE_IN_PROGRESS, 2);
        assertThat(change).hasMessage("another membership change is in progress");
        assertThat(change.reason()).isEqualTo(ProposalRejectedException.Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        assertThat(change.leaderHint()).isEqualTo(2);
    }

    @Test
    void snapshotMetadataIsNeverNegativeAndHasATermExactlyWhenItHasAnIndex() {
        Configuration configuration = Configuration.of(List.of(1L));
        assertThat(new SnapshotMetadata(0, 0, configuration).index()).isZero();
        assertThat(new SnapshotMetadata(1, 1, configuration).term()).isEqualTo(1);
        assertThatThrownBy(() -> new SnapshotMetadata(-1, 0, configuration))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index -1 term 0");
        assertThatThrownBy(() -> new SnapshotMetadata(0, -1, configuration))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotMetadata(1, 0, configuration))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotMetadata(0, 1, configuration))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotMetadata(1, 1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void persistentStateNeedsAHardStateAndEntriesAndCopiesThem() {
        assertThat(PersistentState.EMPTY).isEqualTo(new PersistentState(HardState.INITIAL, null, List.of()));
        assertThatThrownBy(() -> new PersistentState(null, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PersistentState(HardState.INITIAL, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        java.util.ArrayList<Entry> entries = new java.util.ArrayList<>(List.of(Entry.noop(1, 1)));
        PersistentState state = new PersistentState(new HardState(1, 0), null, entries);
        entries.add(Entry.noop(2, 1));
        assertThat(state.entries()).containsExactly(Entry.noop(1, 1));
    }

    @Test
    void section5_3_anInstallSnapshotIsComparedByContentAndDescribedWithoutItsBytes() {
        Configuration configuration = Configuration.of(List.of(1L, 2L));
        InstallSnapshot chunk = new InstallSnapshot(3, 1, 2, 10, 2, configuration, 8, new byte[] {1, 2}, false);
        InstallSnapshot same = new InstallSnapshot(3, 1, 2, 10, 2, configuration, 8, new byte[] {1, 2}, false);
        assertThat(chunk).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(chunk).isEqualTo(chunk);
        assertThat(chunk).isNotEqualTo("InstallSnapshot").isNotEqualTo(null);
        List<InstallSnapshot> different = List.of(
                new InstallSnapshot(4, 1, 2, 10, 2, configuration, 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 3, 2, 10, 2, configuration, 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 3, 10, 2, configuration, 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 2, 11, 2, configuration, 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 2, 10, 3, configuration, 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 2, 10, 2, Configuration.of(List.of(1L)), 8, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 2, 10, 2, configuration, 9, new byte[] {1, 2}, false),
                new InstallSnapshot(3, 1, 2, 10, 2, configuration, 8, new byte[] {1, 3}, false),
                new InstallSnapshot(3, 1, 2, 10, 2, configuration, 8, new byte[] {1, 2}, true));
        for (InstallSnapshot other : different) {
            assertThat(chunk).as("%s", other).isNotEqualTo(other);
        }
        Set<Integer> hashes = new HashSet<>();
        for (InstallSnapshot other : different) {
            hashes.add(other.hashCode());
        }
        hashes.add(chunk.hashCode());
        assertThat(hashes).as("every field but the snapshot term, configuration and bytes is hashed")
                .hasSizeGreaterThanOrEqualTo(7);
        assertThat(chunk).hasToString("InstallSnapshot[term=3, from=1, to=2, snapshotIndex=10, snapshotTerm=2, "
                + "offset=8, bytes=2, last=false]");
    }

    @Test
    void section5_3_anInstallSnapshotNeedsASnapshotAnOffsetDataAndAConfiguration() {
        Configuration configuration = Configuration.of(List.of(1L));
        byte[] data = new byte[1];
        assertThat(new InstallSnapshot(1, 1, 2, 1, 1, configuration, 0, new byte[0], true).offset()).isZero();
        List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> malformed = List.of(
                () -> new InstallSnapshot(1, 1, 2, 0, 1, configuration, 0, data, true),
                () -> new InstallSnapshot(1, 1, 2, 1, 0, configuration, 0, data, true),
                () -> new InstallSnapshot(1, 1, 2, 1, 1, configuration, -1, data, true),
                () -> new InstallSnapshot(1, 1, 2, 1, 1, configuration, 0, null, true),
                () -> new InstallSnapshot(1, 1, 2, 1, 1, null, 0, data, true));
        for (var build : malformed) {
            assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("malformed InstallSnapshot");
        }
    }

    @Test
    void membershipChangesNameTheMemberTheyAreAbout() {
        assertThat(new MembershipChange.AddLearner(4).id()).isEqualTo(4);
        assertThat(new MembershipChange.AddVoter(5).id()).isEqualTo(5);
        assertThat(new MembershipChange.RemoveMember(6).id()).isEqualTo(6);
        MembershipChange.ReplaceVoter replace = new MembershipChange.ReplaceVoter(2, 7);
        assertThat(replace.id()).isEqualTo(7);
        assertThat(replace.replaced()).isEqualTo(2);
    }

    @Test
    void aHardStateIsNeverNegative() {
        assertThatThrownBy(() -> new HardState(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HardState(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(HardState.INITIAL).isEqualTo(new HardState(0, RaftNode.NONE));
    }

    @Test
    void aFailedCheckThrowsWithItsFormattedMessageAndAPassingOneDoesNothing() {
        assertThatThrownBy(() -> Checks.check(false, "plain")).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("plain");
        assertThatThrownBy(() -> Checks.check(false, "one %d", 1)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessage("one 1");
        assertThatThrownBy(() -> Checks.check(false, "two %d %d", 1, 2))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessage("two 1 2");
        assertThatThrownBy(() -> Checks.check(false, "three %d %d %d", 1, 2, 3))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessage("three 1 2 3");
        assertThatCode(() -> {
            Checks.check(true, "plain");
            Checks.check(true, "one %d", 1);
            Checks.check(true, "two %d %d", 1, 2);
            Checks.check(true, "three %d %d %d", 1, 2, 3);
        }).doesNotThrowAnyException();
    }
}
