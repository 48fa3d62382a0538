package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.Heartbeat;
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

    @Test
    void aReadyMustBePersistedWhenItCarriesAHardStateOrEntries() {
        Ready empty = new Ready(0, null, List.of(), List.of(), List.of(), List.of(), List.of());
        assertThat(empty.mustPersist()).isFalse();
        assertThat(empty.isEmpty()).isTrue();

        Ready hardState = new Ready(0, new HardState(1, 0), List.of(), List.of(), List.of(), List.of(), List.of());
        assertThat(hardState.mustPersist()).isTrue();
        assertThat(hardState.isEmpty()).isFalse();

        Ready entries = new Ready(0, null, List.of(Entry.noop(1, 1)), List.of(), List.of(), List.of(), List.of());
        assertThat(entries.mustPersist()).isTrue();
        assertThat(entries.isEmpty()).isFalse();
    }

    @Test
    void aReadyIsEmptyOnlyWithNothingToPersistSendApplyOrAnswer() {
        Heartbeat message = new Heartbeat(1, 1, 2, 0, 1);
        List<Ready> nonEmpty = List.of(
                new Ready(0, null, List.of(), List.of(message), List.of(), List.of(), List.of()),
                new Ready(0, null, List.of(), List.of(), List.of(message), List.of(), List.of()),
                new Ready(0, null, List.of(), List.of(), List.of(), List.of(Entry.noop(1, 1)), List.of()),
                new Ready(0, null, List.of(), List.of(), List.of(), List.of(), List.of(ReadState.rejected(1))));
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
