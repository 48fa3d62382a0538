package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.InstallSnapshot;
import io.beacon.raft.message.InstallSnapshotResponse;
import io.beacon.raft.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.beacon.raft.Nodes.accept;
import static io.beacon.raft.Nodes.echo;
import static io.beacon.raft.Nodes.only;
import static io.beacon.raft.Nodes.persist;
import static io.beacon.raft.Nodes.sent;
import static io.beacon.raft.Nodes.tickUntil;
import static io.beacon.raft.Nodes.voters;
import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.BOOTSTRAP_TERM;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_PROPOSAL;
import static io.beacon.raft.TestCluster.FIRST_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots and log compaction (§5): when the runtime is asked for a snapshot, what the log keeps, and how a
 * follower behind the compacted prefix is sent the snapshot in chunks (§5.3) and then continues from the log.
 */
class SnapshotTest {

    private static final Configuration THREE = Configuration.of(voters(3));

    private static byte[] command(int value) {
        return new byte[] {(byte) value};
    }

    // ---------------------------------------------------------------------------------------------------------
    // When to snapshot, and what the log keeps

    /** The bootstrap entry of a single voter: 25 bytes of configuration, 49 counted towards a snapshot. */
    private static final Entry SINGLE_BOOTSTRAP = Entry.configuration(BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
            Configuration.of(List.of(1L)));

    /** A single voter that elected itself and applied its bootstrap entry (index 1) and no-op (index 2). */
    private static RaftNode singleLeader(UnaryOperator<RaftConfig> configure) {
        RaftNode node = RaftNode.fresh(configure.apply(RaftConfig.defaults(1, List.of(1L))));
        tickUntil(node, () -> node.role() == Role.LEADER);
        assertThat(persist(node).committedEntries()).containsExactly(SINGLE_BOOTSTRAP);
        assertThat(persist(node).committedEntries()).containsExactly(Entry.noop(FIRST_NOOP, FIRST_TERM));
        return node;
    }

    /** The single voter commits one command; returns the Ready that hands it to the application. */
    private static Ready commit(RaftNode node, byte[] command) {
        long index = node.propose(command);
        assertThat(persist(node).committedEntries()).as("not durable yet").isEmpty();
        Ready applied = persist(node);
        assertThat(applied.committedEntries()).extracting(Entry::index).containsExactly(index);
        return applied;
    }

    @Test
    void section5_1_aSnapshotIsDueOnceSnapshotEntriesWereAppliedSinceTheLastOne() {
        RaftNode node = singleLeader(c -> c.withSnapshots(5, 1 << 20, 0, 64));
        List<Boolean> due = new ArrayList<>();
        for (int i = 3; i <= 8; i++) {
            due.add(commit(node, command(i)).snapshotDue());
        }
        // The bootstrap entry and the no-op count too: applied index 3 and 4 are fewer than five entries; at 5 it
        // is due; asked once, not again at 6, 7 and 8.
        assertThat(due).containsExactly(false, false, true, false, false, false);
        assertThat(node.hasReady()).isFalse();

        node.snapshotTaken(8);
        assertThat(node.snapshot()).isEqualTo(new SnapshotMetadata(8, FIRST_TERM, Configuration.of(List.of(1L))));
        due.clear();
        for (int i = 9; i <= 13; i++) {
            due.add(commit(node, command(i)).snapshotDue());
        }
        assertThat(due).as("counted from the new snapshot").containsExactly(false, false, false, false, true);
    }

    @Test
    void section5_1_aSnapshotIsAlsoDueOnceSnapshotBytesWereApplied() {
        RaftNode node = singleLeader(c -> c.withSnapshots(1000, 150, 0, 64));
        // The bootstrap entry counts 49 bytes, the no-op 24, each command 30 + 24: the second command reaches
        // 181 >= 150.
        assertThat(SINGLE_BOOTSTRAP.sizeInBytes()).isEqualTo(49);
        assertThat(commit(node, new byte[30]).snapshotDue()).as("127 bytes").isFalse();
        assertThat(commit(node, new byte[30]).snapshotDue()).isTrue();
        assertThat(commit(node, new byte[30]).snapshotDue()).isFalse();
        node.snapshotTaken(FIRST_PROPOSAL + 2);
        assertThat(commit(node, new byte[102]).snapshotDue()).as("126 bytes since the snapshot").isFalse();
        assertThat(commit(node, new byte[0]).snapshotDue()).as("exactly 150").isTrue();
    }

    @Test
    void section5_1_reportingTheSnapshotAlreadyHeldDoesNotResetTheBytesCounted() {
        RaftNode node = singleLeader(c -> c.withSnapshots(1000, 150, 0, 64));
        assertThat(commit(node, new byte[30]).snapshotDue()).isFalse();
        node.snapshotTaken(0);
        assertThat(node.snapshot().index()).isZero();
        assertThat(commit(node, new byte[30]).snapshotDue()).as("49 + 24 + 54 + 54 bytes").isTrue();
    }

    @Test
    void section5_1_aSnapshotAtTheCurrentIndexChangesNothingButAllowsTheNextRequest() {
        RaftNode node = singleLeader(c -> c.withSnapshots(3, 1 << 20, 0, 64));
        assertThat(commit(node, command(3)).snapshotDue()).isTrue();
        node.snapshotTaken(3);
        assertThat(commit(node, command(4)).snapshotDue()).isFalse();
        // Reporting the snapshot it already has leaves the log alone, yet the runtime may be asked again.
        node.snapshotTaken(3);
        assertThat(node.snapshot().index()).isEqualTo(3);
        assertThat(node.firstIndex()).isEqualTo(4);
        assertThat(commit(node, command(5)).snapshotDue()).isFalse();
        assertThat(commit(node, command(6)).snapshotDue()).isTrue();
    }

    @Test
    void section5_1_aSnapshotCompactsTheLogButKeepsLogTailEntriesBelowIt() {
        RaftNode node = singleLeader(c -> c.withSnapshots(1000, 1 << 20, 3, 64));
        for (int i = 3; i <= 11; i++) {
            commit(node, command(i));
        }
        node.snapshotTaken(8);
        assertThat(node.snapshot().index()).isEqualTo(8);
        assertThat(node.snapshot().term()).isEqualTo(FIRST_TERM);
        assertThat(node.firstIndex()).as("entries 6, 7 and 8 stay below the snapshot").isEqualTo(6);
        assertThat(node.termAt(5)).isEqualTo(FIRST_TERM);
        assertThatThrownBy(() -> node.termAt(4)).isInstanceOf(Checks.InvariantViolation.class);
        RaftStatus status = node.status();
        assertThat(status.snapshotIndex()).isEqualTo(8);
        assertThat(status.firstIndex()).isEqualTo(6);
        assertThat(status.lastIndex()).isEqualTo(11);
        assertThat(status.appliedIndex()).isEqualTo(11);

        node.snapshotTaken(11);
        assertThat(node.firstIndex()).isEqualTo(9);
        assertThat(node.lastIndex()).isEqualTo(11);
        // The log goes on after the compacted prefix.
        commit(node, command(12));
        assertThat(node.commitIndex()).isEqualTo(12);
    }

    @Test
    void section5_1_aSnapshotWithASmallIndexCompactsNothingBelowTheTail() {
        RaftNode node = singleLeader(c -> c.withSnapshots(1000, 1 << 20, 5, 64));
        commit(node, command(3));
        commit(node, command(4));
        node.snapshotTaken(4);
        assertThat(node.snapshot().index()).isEqualTo(4);
        assertThat(node.firstIndex()).as("the bootstrap entry is still held").isEqualTo(BOOTSTRAP_INDEX);
    }

    @Test
    void section5_1_aSnapshotNeverCoversEntriesNotYetAppliedNorGoesBack() {
        RaftNode node = singleLeader(c -> c.withSnapshots(1000, 1 << 20, 0, 64));
        commit(node, command(3));
        node.propose(command(4));
        persist(node);
        assertThat(node.commitIndex()).as("committed but not yet handed to the application").isEqualTo(4);
        assertThatThrownBy(() -> node.snapshotTaken(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot at 4 is beyond the applied index 3");
        node.snapshotTaken(3);
        persist(node);
        // One below the current snapshot is superseded: ignored, not an error, and the log stays as it is.
        node.snapshotTaken(2);
        assertThat(node.snapshot().index()).isEqualTo(3);
        assertThat(node.firstIndex()).isEqualTo(4);
        assertThatThrownBy(() -> node.snapshotTaken(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot at 5 is beyond the applied index 4");
        assertThat(node.snapshot().index()).isEqualTo(3);
        assertThat(node.firstIndex()).isEqualTo(4);
        node.snapshotTaken(4);
        assertThat(node.firstIndex()).isEqualTo(5);
    }

    @Test
    void section5_1_aReportSupersededByASnapshotOfTheLeaderIsIgnored() {
        RaftNode node = follower(3, Entry.noop(2, 2), Entry.noop(3, 2));
        assertThat(node.status().appliedIndex()).isEqualTo(3);
        // The runtime starts writing a snapshot at 3; meanwhile the leader's snapshot at 7 is installed.
        node.step(chunk(7, 2, 0, 4, true));
        persist(node);
        SnapshotMetadata installed = new SnapshotMetadata(7, 2, THREE);
        assertThat(node.snapshot()).isEqualTo(installed);
        node.snapshotTaken(3);
        assertThat(node.snapshot()).isEqualTo(installed);
        assertThat(node.firstIndex()).isEqualTo(8);
        assertThat(node.lastIndex()).isEqualTo(7);
        assertThat(node.hasReady()).isFalse();
        node.snapshotTaken(7);
        assertThat(node.snapshot()).isEqualTo(installed);
        assertThatThrownBy(() -> node.snapshotTaken(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot at 8 is beyond the applied index 7");
    }

    @Test
    void section5_1_aSupersededReportEndsTheRequestSoADueSnapshotIsAskedForAgainByItself() {
        RaftNode node = singleLeader(c -> c.withSnapshots(3, 1 << 20, 0, 64));
        assertThat(commit(node, command(3)).snapshotDue()).isTrue();
        assertThat(node.hasReady()).as("asked once").isFalse();
        // The runtime could not take it and reports the snapshot it has (none): the request is over.
        node.snapshotTaken(0);
        assertThat(node.snapshot().index()).isZero();
        assertThat(node.hasReady()).as("still due, and no longer asked for").isTrue();
        Ready ready = node.ready();
        assertThat(ready.snapshotDue()).isTrue();
        assertThat(ready.isEmpty()).isFalse();
        assertThat(ready.mustPersist()).isFalse();
        assertThat(ready.entries()).isEmpty();
        assertThat(ready.committedEntries()).isEmpty();
        assertThat(ready.messages()).isEmpty();
        node.advance(ready);
        assertThat(node.hasReady()).isFalse();
        node.snapshotTaken(3);
        assertThat(node.snapshot().index()).isEqualTo(3);
        assertThat(node.hasReady()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The leader's side of a transfer, driven by hand

    private static final int CHUNK = 8;

    /**
     * Leader 1 of three (in {@link TestCluster#FIRST_TERM}) with commands at 3..lastIndex, after the bootstrap
     * entry and its no-op, committed with node 2 and applied, and a snapshot at lastIndex that compacts the whole
     * log. Node 3 never answered the no-op probe.
     */
    private static RaftNode leaderWithSnapshot(long lastIndex) {
        RaftNode node = Nodes.leader(3, c -> c.withSnapshots(1000, 1 << 20, 0, CHUNK));
        accept(node, 2, FIRST_NOOP);
        persist(node);
        for (long i = FIRST_PROPOSAL; i <= lastIndex; i++) {
            node.propose(command((int) i));
        }
        persist(node);
        accept(node, 2, lastIndex);
        assertThat(persist(node).committedEntries()).hasSize((int) (lastIndex - FIRST_NOOP));
        node.snapshotTaken(lastIndex);
        assertThat(node.firstIndex()).isEqualTo(lastIndex + 1);
        return node;
    }

    /** The snapshot reads of the node's next Ready. */
    private static List<SnapshotRead> reads(RaftNode node) {
        return persist(node).snapshotReads();
    }

    private static String replicationState(RaftNode leader, long follower) {
        return leader.status().followers().stream().filter(f -> f.id() == follower).findFirst().orElseThrow()
                .replicationState();
    }

    @Test
    void section5_3_aFollowerBehindTheCompactedLogIsSentTheSnapshotOneChunkAtATime() {
        RaftNode node = leaderWithSnapshot(5);
        assertThat(node.hasReady()).isFalse();
        echo(node, 3, 0);
        assertThat(replicationState(node, 3)).isEqualTo("SNAPSHOT");
        assertThat(node.hasReady()).as("the read request alone").isTrue();
        Ready ready = persist(node);
        assertThat(ready.snapshotReads()).containsExactly(new SnapshotRead(3, 5, 0, CHUNK));
        assertThat(appendsTo(ready, 3)).as("no entries while sending the snapshot").isEmpty();

        byte[] first = {1, 2, 3, 4, 5, 6, 7, 8};
        node.snapshotChunk(new SnapshotRead(3, 5, 0, CHUNK), first, false);
        Ready chunk = persist(node);
        assertThat(chunk.messages()).containsExactly(new InstallSnapshot(FIRST_TERM, 1, 3, 5, FIRST_TERM, THREE, 0, first, false));
        assertThat(chunk.messagesAfterPersist()).isEmpty();
        // Nothing more is asked for until the follower acknowledges the chunk.
        echo(node, 3, 0);
        node.tick();
        assertThat(reads(node)).isEmpty();

        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, false));
        assertThat(reads(node)).containsExactly(new SnapshotRead(3, 5, 8, CHUNK));
        node.snapshotChunk(new SnapshotRead(3, 5, 8, CHUNK), new byte[] {9}, true);
        assertThat(only(sent(node), InstallSnapshot.class)).extracting(InstallSnapshot::offset, InstallSnapshot::last)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(8L, true));

        // Installed: the follower matches up to the snapshot and continues from the log after it.
        long next = node.propose(command(6));
        persist(node);
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 9, true));
        assertThat(replicationState(node, 3)).isEqualTo("PROBE");
        assertThat(node.status().followers()).filteredOn(f -> f.id() == 3)
                .extracting(RaftStatus.FollowerStatus::matchIndex).containsExactly(5L);
        List<AppendEntries> appends = appendsTo(persist(node), 3);
        assertThat(appends).hasSize(1);
        assertThat(appends.get(0).prevLogIndex()).isEqualTo(5);
        assertThat(appends.get(0).prevLogTerm()).isEqualTo(FIRST_TERM);
        assertThat(appends.get(0).entries()).extracting(Entry::index).containsExactly(next);
    }

    private static List<AppendEntries> appendsTo(Ready ready, long to) {
        List<Message> all = new ArrayList<>(ready.messages());
        all.addAll(ready.messagesAfterPersist());
        return Nodes.appendsTo(all, to);
    }

    @Test
    void section5_3_aFollowerThatInstalledTheSnapshotCountsForTheEntriesAfterIt() {
        RaftNode node = leaderWithSnapshot(5);
        long next = node.propose(command(6));
        persist(node);
        for (int i = 0; i < 3; i++) {
            node.tick();
        }
        echo(node, 3, 0);
        SnapshotRead read = reads(node).get(0);
        node.snapshotChunk(read, new byte[3], true);
        persist(node);
        node.tick();
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 3, true));
        assertThat(node.status().followers()).filteredOn(f -> f.id() == 3)
                .extracting(RaftStatus.FollowerStatus::ticksSinceLastResponse).containsExactly(0);
        // Node 2 never acknowledges entry 6; node 3 gets it right after the snapshot and commits it.
        List<AppendEntries> appends = appendsTo(persist(node), 3);
        assertThat(appends).extracting(AppendEntries::prevLogIndex).containsExactly(5L);
        assertThat(node.commitIndex()).isEqualTo(5);
        accept(node, 3, next);
        assertThat(node.commitIndex()).isEqualTo(next);
    }

    @Test
    void section5_3_aChunkAnswerThatNoLongerFitsTheTransferIsIgnored() {
        RaftNode node = leaderWithSnapshot(5);
        echo(node, 3, 0);
        SnapshotRead read = reads(node).get(0);
        // Wrong follower, wrong snapshot, wrong offset: dropped.
        node.snapshotChunk(new SnapshotRead(2, 5, 0, CHUNK), new byte[8], false);
        node.snapshotChunk(new SnapshotRead(3, 4, 0, CHUNK), new byte[8], false);
        node.snapshotChunk(new SnapshotRead(3, 5, 8, CHUNK), new byte[8], false);
        node.snapshotChunk(new SnapshotRead(9, 5, 0, CHUNK), new byte[8], false);
        assertThat(node.hasReady()).isFalse();
        // An acknowledgement of another snapshot changes nothing either.
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 4, 8, false));
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 4, 8, true));
        node.step(new InstallSnapshotResponse(FIRST_TERM, 9, 1, 5, 8, true));
        assertThat(node.hasReady()).isFalse();
        assertThat(replicationState(node, 3)).isEqualTo("SNAPSHOT");
        node.snapshotChunk(read, new byte[8], false);
        assertThat(only(sent(node), InstallSnapshot.class)).hasSize(1);
        // A follower that is no longer being sent a snapshot makes a late chunk answer moot.
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, true));
        persist(node);
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, true));
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, false));
        assertThat(node.hasReady()).isFalse();
        assertThat(replicationState(node, 3)).isEqualTo("PROBE");
        node.snapshotChunk(new SnapshotRead(3, 5, 8, CHUNK), new byte[1], true);
        assertThat(only(sent(node), InstallSnapshot.class)).isEmpty();
        // Nor does one that reaches a node that is no longer the leader.
        RaftNode deposed = leaderWithSnapshot(5);
        echo(deposed, 3, 0);
        SnapshotRead pending = reads(deposed).get(0);
        deposed.step(new Heartbeat(FIRST_TERM + 1, 2, 1, 0, 1));
        persist(deposed);
        deposed.snapshotChunk(pending, new byte[8], false);
        assertThat(only(sent(deposed), InstallSnapshot.class)).isEmpty();
    }

    @Test
    void section5_3_aLostSnapshotRestartsTheTransferWithTheCurrentOne() {
        RaftNode node = leaderWithSnapshot(5);
        echo(node, 3, 0);
        SnapshotRead old = reads(node).get(0);
        node.snapshotChunk(old, new byte[8], false);
        persist(node);
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, false));
        SnapshotRead second = reads(node).get(0);
        assertThat(second.offset()).isEqualTo(8);
        // Meanwhile the leader took a newer snapshot and the runtime dropped the old one.
        node.propose(command(6));
        persist(node);
        accept(node, 2, 6);
        persist(node);
        node.snapshotTaken(6);
        node.snapshotChunk(second, null, false);
        assertThat(reads(node)).as("the newer snapshot from its first byte").containsExactly(
                new SnapshotRead(3, 6, 0, CHUNK));
        assertThat(replicationState(node, 3)).isEqualTo("SNAPSHOT");
    }

    @Test
    void section5_3_theRuntimeLosingTheCurrentSnapshotBreaksAnInvariant() {
        RaftNode node = leaderWithSnapshot(5);
        echo(node, 3, 0);
        SnapshotRead read = reads(node).get(0);
        assertThatThrownBy(() -> node.snapshotChunk(read, null, false)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("lost the current snapshot 5");
    }

    @Test
    void section5_3_aChunkUnacknowledgedForHalfAnElectionTimeoutIsAskedForAgainFromTheSameOffset() {
        RaftNode node = leaderWithSnapshot(5);
        echo(node, 3, 0);
        node.snapshotChunk(reads(node).get(0), new byte[8], false);
        persist(node);
        node.step(new InstallSnapshotResponse(FIRST_TERM, 3, 1, 5, 8, false));
        SnapshotRead read = reads(node).get(0);
        node.snapshotChunk(read, new byte[8], false);
        persist(node);
        // The chunk at 8 is lost; heartbeat answers keep node 3 alive but acknowledge nothing.
        int stall = RaftConfig.DEFAULT_ELECTION_TICKS_MIN / 2;
        for (int tick = 1; tick < stall; tick++) {
            node.tick();
            echo(node, 3, 0);
            assertThat(reads(node)).as("tick %d", tick).isEmpty();
        }
        node.tick();
        assertThat(reads(node)).containsExactly(new SnapshotRead(3, 5, 8, CHUNK));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        // And again after another half timeout.
        for (int tick = 1; tick < stall; tick++) {
            node.tick();
            assertThat(reads(node)).isEmpty();
        }
        node.tick();
        assertThat(reads(node)).containsExactly(new SnapshotRead(3, 5, 8, CHUNK));
    }

    @Test
    void section5_3_aFollowerThatAnswersAProbeBelowTheCompactedLogIsSentTheSnapshot() {
        RaftNode node = leaderWithSnapshot(5);
        // Node 3 rejects the no-op probe (prevLogIndex 1) and holds nothing: say it lost its log. It needs entry 1,
        // which is compacted.
        node.step(AppendEntriesResponse.rejected(FIRST_TERM, 3, 1, BOOTSTRAP_INDEX, 0, 0));
        assertThat(reads(node)).containsExactly(new SnapshotRead(3, 5, 0, CHUNK));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The follower's side, driven by hand

    /**
     * Node 2, following leader 1 in term 2, its log holding the bootstrap entry and then these entries (all
     * durable), committed to commit.
     */
    private static RaftNode follower(long commit, Entry... entries) {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.step(new AppendEntries(FIRST_TERM, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, List.of(entries), commit));
        persist(node);
        assertThat(node.commitIndex()).isEqualTo(commit);
        return node;
    }

    private static InstallSnapshot chunk(long index, long term, long offset, int size, boolean last) {
        return new InstallSnapshot(FIRST_TERM, 1, 2, index, term, THREE, offset, new byte[size], last);
    }

    @Test
    void section5_3_aFollowerPersistsChunksInOrderAndSaysWhichOffsetItWantsNext() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        node.step(chunk(5, 2, 0, 8, false));
        Ready ready = node.ready();
        assertThat(ready.snapshotChunks()).containsExactly(new SnapshotChunk(new SnapshotMetadata(5, 2, THREE), 0,
                ready.snapshotChunks().get(0).data(), false));
        assertThat(ready.installedSnapshot()).isNull();
        assertThat(ready.mustPersist()).isTrue();
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 8, false));
        node.advance(ready);

        // A chunk that does not start where the received bytes end is answered with the offset wanted.
        node.step(chunk(5, 2, 16, 8, false));
        Ready gap = persist(node);
        assertThat(gap.snapshotChunks()).isEmpty();
        assertThat(gap.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 8, false));
        node.step(chunk(5, 2, 0, 8, false));
        assertThat(sent(node)).as("a repeated first chunk").containsExactly(
                new InstallSnapshotResponse(2, 2, 1, 5, 8, false));

        node.step(chunk(5, 2, 8, 4, false));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 12, false));
        assertThat(node.snapshot().index()).as("nothing installed yet").isZero();
    }

    @Test
    void section5_3_aChunkOfAnUnknownSnapshotThatDoesNotStartAtZeroIsAnsweredWithZero() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        node.step(chunk(5, 2, 8, 8, false));
        Ready ready = persist(node);
        assertThat(ready.snapshotChunks()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 0, false));
        // A chunk of a different snapshot than the one being received starts over, only from offset 0.
        node.step(chunk(5, 2, 0, 8, false));
        persist(node);
        node.step(chunk(6, 2, 8, 8, false));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 6, 0, false));
        node.step(chunk(6, 2, 0, 3, false));
        Ready restarted = persist(node);
        assertThat(restarted.snapshotChunks()).extracting(c -> c.metadata().index(), SnapshotChunk::offset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(6L, 0L));
        assertThat(restarted.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 6, 3, false));
        // Another configuration is another snapshot too.
        node.step(new InstallSnapshot(2, 1, 2, 6, 2, Configuration.of(List.of(1L, 2L)), 3, new byte[3], false));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 6, 0, false));
    }

    @Test
    void section5_3_theLastChunkInstallsTheSnapshotAndTheLogStartsAfterIt() {
        RaftNode node = follower(FIRST_NOOP, Entry.noop(FIRST_NOOP, 2));
        Configuration configuration = Configuration.of(List.of(1L, 2L, 3L, 4L));
        node.step(new InstallSnapshot(2, 1, 2, 7, 2, configuration, 0, new byte[8], false));
        persist(node);
        node.step(new InstallSnapshot(2, 1, 2, 7, 2, configuration, 8, new byte[2], true));
        Ready ready = node.ready();
        SnapshotMetadata metadata = new SnapshotMetadata(7, 2, configuration);
        assertThat(ready.installedSnapshot()).isEqualTo(metadata);
        assertThat(ready.committedEntries()).isEmpty();
        assertThat(ready.entries()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 7, 10, true));
        assertThat(node.snapshot()).isEqualTo(metadata);
        assertThat(node.configuration()).isEqualTo(configuration);
        assertThat(node.commitIndex()).isEqualTo(7);
        assertThat(node.lastIndex()).isEqualTo(7);
        assertThat(node.lastTerm()).isEqualTo(2);
        assertThat(node.firstIndex()).isEqualTo(8);
        assertThat(node.status().appliedIndex()).isEqualTo(7);
        node.advance(ready);
        assertThat(node.status().stableIndex()).isEqualTo(7);

        // The log continues after the snapshot.
        node.step(new AppendEntries(2, 1, 2, 7, 2, List.of(Entry.noop(8, 2)), 8));
        Ready next = persist(node);
        assertThat(next.entries()).containsExactly(Entry.noop(8, 2));
        assertThat(next.committedEntries()).containsExactly(Entry.noop(8, 2));
        assertThat(next.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(2, 2, 1, 8));
        // Entries the snapshot covers are acknowledged without being taken again.
        node.step(new AppendEntries(2, 1, 2, 3, 2, List.of(Entry.noop(4, 2), Entry.noop(5, 2)), 8));
        assertThat(sent(node)).containsExactly(AppendEntriesResponse.accepted(2, 2, 1, 7));
        node.step(new AppendEntries(2, 1, 2, 6, 2, List.of(Entry.noop(7, 2), Entry.noop(8, 2), Entry.noop(9, 2)), 8));
        Ready overlapping = persist(node);
        assertThat(overlapping.entries()).containsExactly(Entry.noop(9, 2));
        assertThat(overlapping.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(2, 2, 1, 9));
    }

    @Test
    void section5_3_aSnapshotWhoseLastEntryTheFollowerHoldsKeepsTheEntriesAfterIt() {
        RaftNode node = follower(FIRST_NOOP, Entry.noop(2, 2), Entry.noop(3, 2), Entry.noop(4, 2), Entry.noop(5, 2));
        node.step(chunk(3, 2, 0, 4, true));
        Ready ready = persist(node);
        assertThat(ready.installedSnapshot()).isEqualTo(new SnapshotMetadata(3, 2, THREE));
        assertThat(ready.entries()).isEmpty();
        assertThat(ready.committedEntries()).as("the state machine restarts from the snapshot at 3").isEmpty();
        assertThat(node.lastIndex()).isEqualTo(5);
        assertThat(node.firstIndex()).isEqualTo(4);
        assertThat(node.termAt(5)).isEqualTo(2);
        assertThat(node.commitIndex()).isEqualTo(3);
        assertThat(node.status().stableIndex()).isEqualTo(5);
        node.step(new Heartbeat(2, 1, 2, 5, 3));
        assertThat(persist(node).committedEntries()).containsExactly(Entry.noop(4, 2), Entry.noop(5, 2));
    }

    @Test
    void section5_3_aSnapshotThatConflictsWithTheFollowersLogReplacesItAndTheLogGoesOnAfterIt() {
        // Node 2 holds 1@1 (the bootstrap) 2@2 3@2 from an old leader (only 1 committed); the snapshot at 2 is of
        // term 3.
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.step(new AppendEntries(2, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(2, 2), Entry.noop(3, 2)), BOOTSTRAP_INDEX));
        persist(node);
        node.step(new InstallSnapshot(3, 3, 2, 2, 3, THREE, 0, new byte[4], true));
        assertThat(node.lastIndex()).isEqualTo(2);
        assertThat(node.lastTerm()).isEqualTo(3);
        Ready installed = persist(node);
        assertThat(installed.installedSnapshot()).isEqualTo(new SnapshotMetadata(2, 3, THREE));
        assertThat(installed.entries()).isEmpty();
        assertThat(node.status().stableIndex()).isEqualTo(2);
        assertThat(node.hasReady()).isFalse();
        // The new leader's entry 3 of term 3 must be persisted before it is acknowledged.
        node.step(new AppendEntries(3, 3, 2, 2, 3, List.of(Entry.noop(3, 3)), 2));
        Ready ready = persist(node);
        assertThat(ready.messagesAfterPersist()).containsExactly(AppendEntriesResponse.accepted(3, 2, 3, 3));
        assertThat(ready.entries()).containsExactly(Entry.noop(3, 3));
        assertThat(node.status().stableIndex()).isEqualTo(3);
    }

    @Test
    void section5_3_aConflictingLogIsReplacedAlsoWhenTheLeadersNextEntriesArriveBeforeTheSnapshotIsPersisted() {
        RaftNode node = RaftNode.fresh(RaftConfig.defaults(2, voters(3)));
        node.step(new AppendEntries(2, 1, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM,
                List.of(Entry.noop(2, 2), Entry.noop(3, 2)), BOOTSTRAP_INDEX));
        persist(node);
        node.step(new InstallSnapshot(3, 3, 2, 2, 3, THREE, 0, new byte[4], true));
        node.step(new AppendEntries(3, 3, 2, 2, 3, List.of(Entry.noop(3, 3), Entry.noop(4, 3)), 2));
        Ready ready = persist(node);
        assertThat(ready.installedSnapshot()).isEqualTo(new SnapshotMetadata(2, 3, THREE));
        assertThat(ready.entries()).containsExactly(Entry.noop(3, 3), Entry.noop(4, 3));
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(3, 2, 3, 2, 4, true),
                AppendEntriesResponse.accepted(3, 2, 3, 4));
        assertThat(node.status().stableIndex()).isEqualTo(4);
    }

    @Test
    void section5_3_aSnapshotForAnIndexAlreadyCommittedIsAcknowledgedAsInstalled() {
        RaftNode node = follower(3, Entry.noop(2, 2), Entry.noop(3, 2));
        node.step(chunk(2, 2, 0, 8, false));
        Ready ready = persist(node);
        assertThat(ready.snapshotChunks()).isEmpty();
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 2, 0, true));
        node.step(chunk(3, 2, 8, 8, true));
        assertThat(sent(node)).as("exactly at the commit index").containsExactly(
                new InstallSnapshotResponse(2, 2, 1, 3, 0, true));
        assertThat(node.snapshot().index()).isZero();
        assertThat(node.lastIndex()).isEqualTo(3);
        assertThat(node.commitIndex()).isEqualTo(3);
    }

    @Test
    void section5_3_aTransferInterruptedByACommitIsDroppedAndStartsOverIfNeeded() {
        RaftNode node = follower(BOOTSTRAP_INDEX, Entry.noop(FIRST_NOOP, 2));
        node.step(chunk(5, 2, 0, 8, false));
        persist(node);
        // The leader commits its no-op meanwhile; the snapshot covers more, so its transfer goes on.
        node.step(new Heartbeat(2, 1, 2, FIRST_NOOP, 1));
        persist(node);
        node.step(chunk(5, 2, 8, 8, false));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 16, false));
        // An already-committed snapshot in between makes the follower forget the transfer in progress.
        node.step(chunk(FIRST_NOOP, 2, 0, 8, false));
        persist(node);
        node.step(chunk(5, 2, 16, 8, true));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 0, false));
    }

    @Test
    void section5_3_aStrayChunkOfAnotherSnapshotLeavesTheTransferInProgressAlone() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        node.step(chunk(5, 2, 0, 8, false));
        persist(node);
        node.step(chunk(6, 2, 8, 8, false));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(2, 2, 1, 6, 0, false));
        node.step(chunk(5, 2, 8, 8, true));
        Ready ready = persist(node);
        assertThat(ready.installedSnapshot()).isEqualTo(new SnapshotMetadata(5, 2, THREE));
        assertThat(ready.messagesAfterPersist()).containsExactly(new InstallSnapshotResponse(2, 2, 1, 5, 16, true));
    }

    @Test
    void section5_3_chunksFromTheLeaderKeepTheFollowerFromStartingAnElection() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        List<Message> sentMeanwhile = new ArrayList<>();
        for (int chunk = 0; chunk < 5; chunk++) {
            for (int i = 0; i < RaftConfig.DEFAULT_ELECTION_TICKS_MIN - 1; i++) {
                node.tick();
                sentMeanwhile.addAll(sent(node));
            }
            node.step(chunk(5, 2, chunk * 8L, 8, false));
            sentMeanwhile.addAll(sent(node));
        }
        assertThat(sentMeanwhile).hasSize(5).allMatch(m -> m instanceof InstallSnapshotResponse);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.leaderId()).isEqualTo(1);
        // A follower in the leader's term that lost track of it learns it again from a chunk.
        RaftNode voter = RaftNode.fresh(RaftConfig.defaults(2, voters(3)).withPreVote(false));
        voter.step(new io.beacon.raft.message.RequestVote(2, 3, 2, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, false, false));
        persist(voter);
        assertThat(voter.votedFor()).isEqualTo(3);
        assertThat(voter.leaderId()).isEqualTo(RaftNode.NONE);
        voter.step(new InstallSnapshot(2, 1, 2, 5, 2, THREE, 0, new byte[8], false));
        assertThat(voter.leaderId()).isEqualTo(1);
    }

    @Test
    void section5_3_aTransferDoesNotCarryOverIntoANewTerm() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        node.step(chunk(5, 2, 0, 8, false));
        persist(node);
        node.step(new InstallSnapshot(3, 3, 2, 5, 2, THREE, 8, new byte[8], true));
        assertThat(node.leaderId()).isEqualTo(3);
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(3, 2, 3, 5, 0, false));
        assertThat(node.snapshot().index()).isZero();
    }

    @Test
    void section5_3_aCandidateThatReceivesASnapshotFromTheLeaderOfItsTermFollowsIt() {
        RaftNode node = Nodes.candidate(3, UnaryOperator.identity());
        node.step(new InstallSnapshot(FIRST_TERM, 2, 1, 4, FIRST_TERM, THREE, 0, new byte[2], true));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.leaderId()).isEqualTo(2);
        assertThat(node.snapshot()).isEqualTo(new SnapshotMetadata(4, FIRST_TERM, THREE));
        assertThat(sent(node)).containsExactly(new InstallSnapshotResponse(FIRST_TERM, 1, 2, 4, 2, true));
    }

    @Test
    void section5_3_snapshotMessagesOfAnEarlierTermAreAnsweredLikeOtherStaleLeaderMessages() {
        RaftNode node = follower(BOOTSTRAP_INDEX);
        node.step(new InstallSnapshot(1, 3, 2, 5, 1, THREE, 0, new byte[8], true));
        assertThat(sent(node)).containsExactly(new io.beacon.raft.message.HeartbeatResponse(2, 2, 3, 0));
        assertThat(node.snapshot().index()).isZero();
        // A leader hearing a snapshot from another leader of its own term breaks an invariant.
        RaftNode leader = Nodes.leader(3);
        assertThatThrownBy(() -> leader.step(
                new InstallSnapshot(FIRST_TERM, 2, 1, 5, FIRST_TERM, THREE, 0, new byte[1], true)))
                .isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("two leaders");
        // A snapshot from a later term makes the leader a follower of its sender.
        RaftNode deposed = Nodes.leader(3);
        deposed.step(new InstallSnapshot(4, 2, 1, 5, 3, THREE, 0, new byte[1], true));
        assertThat(deposed.role()).isEqualTo(Role.FOLLOWER);
        assertThat(deposed.leaderId()).isEqualTo(2);
        assertThat(deposed.term()).isEqualTo(4);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Whole clusters

    /** Snapshots every five entries, 8-byte chunks, and the given tail. */
    private static TestCluster cluster(long tail) {
        return new TestCluster(3, c -> c.withSnapshots(5, 1 << 20, tail, CHUNK));
    }

    private static List<Integer> commands(TestCluster cluster, long id) {
        return cluster.appliedCommands(id).stream().map(bytes -> (int) bytes[0]).toList();
    }

    @Test
    void section5_1_everyNodeSnapshotsItsOwnStateMachineAndCompactsItsLog() {
        TestCluster cluster = cluster(2);
        cluster.elect(1);
        for (int i = 0; i < 12; i++) {
            cluster.node(1).propose(command(i));
            cluster.stabilize();
        }
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        for (long id = 1; id <= 3; id++) {
            RaftNode node = cluster.node(id);
            assertThat(node.commitIndex()).isEqualTo(FIRST_NOOP + 12);
            assertThat(node.snapshot().index()).as("node %d", id).isEqualTo(10);
            assertThat(node.firstIndex()).isEqualTo(9);
            assertThat(cluster.disks.get(id).snapshot).isEqualTo(node.snapshot());
            assertThat(cluster.disks.get(id).entries).extracting(Entry::index).containsExactly(11L, 12L, 13L, 14L);
            assertThat(commands(cluster, id)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        }
    }

    @Test
    void section5_1_aFollowerLaggingWithinTheLogTailCatchesUpFromTheLog() {
        TestCluster cluster = cluster(5);
        cluster.elect(1);
        for (int i = 0; i < 4; i++) {
            cluster.node(1).propose(command(i));
            cluster.stabilize();
        }
        cluster.isolate(3);
        for (int i = 4; i < 9; i++) {
            cluster.node(1).propose(command(i));
            cluster.stabilize();
        }
        RaftNode leader = cluster.node(1);
        assertThat(cluster.node(3).lastIndex()).isEqualTo(FIRST_NOOP + 4);
        assertThat(leader.snapshot().index()).as("the leader snapshotted past node 3").isEqualTo(10);
        assertThat(leader.firstIndex()).as("but kept what node 3 needs").isEqualTo(6);
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).isEmpty();
        assertThat(cluster.snapshotReads).isEmpty();
        // Node 3 applied everything up to the leader's last entry in one go, and snapshotted there.
        assertThat(cluster.node(3).snapshot().index()).as("its own snapshot, taken after catching up")
                .isEqualTo(leader.lastIndex()).isEqualTo(FIRST_NOOP + 9);
        assertThat(commands(cluster, 3)).isEqualTo(commands(cluster, 1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    /** Node 3 misses 20 commands, which the leader compacts away; it gets the snapshot once it reconnects. */
    private static TestCluster clusterWithNode3BehindTheSnapshot() {
        TestCluster cluster = cluster(0);
        cluster.elect(1);
        cluster.isolate(3);
        for (int i = 0; i < 20; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        assertThat(cluster.node(1).snapshot().index()).isEqualTo(SNAPSHOT_INDEX);
        assertThat(cluster.node(1).firstIndex()).isEqualTo(SNAPSHOT_INDEX + 1);
        assertThat(cluster.node(3).lastIndex()).as("the leader's no-op").isEqualTo(FIRST_NOOP);
        cluster.heal();
        return cluster;
    }

    /** The leader's snapshot in {@link #clusterWithNode3BehindTheSnapshot}: after the twenty commands. */
    private static final long SNAPSHOT_INDEX = FIRST_NOOP + 20;

    /** Serialized state of twenty one-byte commands: a count, then length and byte of each. */
    private static final int SNAPSHOT_BYTES = 4 + 20 * 5;

    @Test
    void section5_3_aFollowerBehindTheCompactedLogGetsTheSnapshotInChunksThenTheEntriesAfterIt() {
        TestCluster cluster = clusterWithNode3BehindTheSnapshot();
        for (int i = 20; i < 23; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);

        List<InstallSnapshot> chunks = cluster.deliveredOf(InstallSnapshot.class);
        assertThat(chunks).allMatch(c -> c.to() == 3 && c.snapshotIndex() == SNAPSHOT_INDEX
                && c.data().length <= CHUNK);
        assertThat(chunks).extracting(InstallSnapshot::offset).containsExactly(0L, 8L, 16L, 24L, 32L, 40L, 48L, 56L,
                64L, 72L, 80L, 88L, 96L);
        assertThat(chunks).extracting(InstallSnapshot::last).containsOnlyOnce(true);
        assertThat(chunks.get(chunks.size() - 1).last()).isTrue();
        assertThat(chunks.stream().mapToInt(c -> c.data().length).sum()).isEqualTo(SNAPSHOT_BYTES);
        assertThat(cluster.disks.get(3L).snapshot).isEqualTo(new SnapshotMetadata(SNAPSHOT_INDEX, FIRST_TERM, THREE));
        assertThat(cluster.disks.get(3L).snapshotData).isEqualTo(cluster.disks.get(1L).snapshotData);

        // After the snapshot, the entries after it come from the log.
        int installed = cluster.delivered.indexOf(chunks.get(chunks.size() - 1));
        List<Long> appendedAfter = cluster.delivered.subList(installed, cluster.delivered.size()).stream()
                .filter(m -> m instanceof AppendEntries a && a.to() == 3).map(m -> (AppendEntries) m)
                .flatMap(a -> a.entries().stream()).map(Entry::index).toList();
        assertThat(appendedAfter).containsExactly(SNAPSHOT_INDEX + 1, SNAPSHOT_INDEX + 2, SNAPSHOT_INDEX + 3);
        assertThat(cluster.node(3).commitIndex()).isEqualTo(SNAPSHOT_INDEX + 3);
        assertThat(commands(cluster, 3)).isEqualTo(commands(cluster, 1)).hasSize(23);
        assertThat(cluster.node(3).status().appliedIndex()).isEqualTo(SNAPSHOT_INDEX + 3);
    }

    @Test
    void section5_3_aTransferResumesAfterALostChunkFromTheAcknowledgedOffset() {
        TestCluster cluster = clusterWithNode3BehindTheSnapshot();
        cluster.dropOnce(m -> m instanceof InstallSnapshot chunk && chunk.offset() == 16);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).extracting(InstallSnapshot::offset)
                .containsExactly(0L, 8L);
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MIN);

        assertThat(cluster.snapshotReads).extracting(SnapshotRead::offset).containsExactly(0L, 8L, 16L, 16L, 24L, 32L,
                40L, 48L, 56L, 64L, 72L, 80L, 88L, 96L);
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).extracting(InstallSnapshot::offset)
                .containsExactly(0L, 8L, 16L, 24L, 32L, 40L, 48L, 56L, 64L, 72L, 80L, 88L, 96L);
        assertThat(cluster.node(3).snapshot().index()).isEqualTo(SNAPSHOT_INDEX);
        assertThat(commands(cluster, 3)).isEqualTo(commands(cluster, 1)).hasSize(20);
    }

    @Test
    void section5_3_aLostAcknowledgementIsRepairedByTheOffsetTheFollowerWants() {
        TestCluster cluster = clusterWithNode3BehindTheSnapshot();
        cluster.dropOnce(m -> m instanceof InstallSnapshotResponse response && response.nextOffset() == 16);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS + RaftConfig.DEFAULT_ELECTION_TICKS_MIN);

        // The leader asks again from 8, the last offset acknowledged; node 3 already has 16 bytes and says so.
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).extracting(InstallSnapshot::offset)
                .startsWith(0L, 8L, 8L, 16L, 24L);
        assertThat(cluster.deliveredOf(InstallSnapshotResponse.class)).extracting(InstallSnapshotResponse::nextOffset)
                .startsWith(8L, 16L, 24L);
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).filteredOn(c -> c.offset() == 0).hasSize(1);
        assertThat(cluster.node(3).snapshot().index()).isEqualTo(SNAPSHOT_INDEX);
        assertThat(commands(cluster, 3)).isEqualTo(commands(cluster, 1));
    }

    @Test
    void section5_3_aSnapshotTheRuntimeNoLongerHasIsReplacedByTheCurrentOne() {
        TestCluster cluster = clusterWithNode3BehindTheSnapshot();
        // Node 3 gets the first chunk of the snapshot, then the acknowledgement is lost.
        cluster.dropOnce(m -> m instanceof InstallSnapshotResponse);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        assertThat(cluster.snapshotReads).extracting(SnapshotRead::snapshotIndex).containsExactly(SNAPSHOT_INDEX);
        // Meanwhile the leader commits five more entries with node 2 and replaces its snapshot.
        cluster.cut(1, 3);
        for (int i = 20; i < 25; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        long newer = SNAPSHOT_INDEX + 5;
        assertThat(cluster.node(1).snapshot().index()).isEqualTo(newer);
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MIN);

        // The retry of the old snapshot found it gone: the transfer started over with the newer snapshot.
        assertThat(cluster.snapshotReads).extracting(SnapshotRead::snapshotIndex, SnapshotRead::offset)
                .startsWith(org.assertj.core.groups.Tuple.tuple(SNAPSHOT_INDEX, 0L),
                        org.assertj.core.groups.Tuple.tuple(SNAPSHOT_INDEX, 0L),
                        org.assertj.core.groups.Tuple.tuple(newer, 0L));
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).filteredOn(c -> c.snapshotIndex() == SNAPSHOT_INDEX)
                .hasSize(1);
        assertThat(cluster.node(3).snapshot().index()).isEqualTo(newer);
        assertThat(commands(cluster, 3)).isEqualTo(commands(cluster, 1)).hasSize(25);
    }

    @Test
    void section5_aRestartedNodeComesBackFromItsSnapshotAndEntriesAndCatchesUp() {
        TestCluster cluster = cluster(2);
        cluster.elect(1);
        for (int i = 0; i < 7; i++) {
            cluster.node(1).propose(command(i));
            cluster.stabilize();
        }
        TestCluster.Disk disk = cluster.disks.get(2L);
        assertThat(disk.snapshot.index()).isEqualTo(5);
        assertThat(disk.entries).extracting(Entry::index).containsExactly(6L, 7L, 8L, 9L);
        cluster.isolate(2);
        cluster.restart(2);
        RaftNode restarted = cluster.node(2);
        assertThat(restarted.snapshot()).isEqualTo(disk.snapshot);
        assertThat(restarted.firstIndex()).isEqualTo(6);
        assertThat(restarted.lastIndex()).isEqualTo(FIRST_NOOP + 7);
        assertThat(restarted.commitIndex()).as("known committed: what the snapshot covers").isEqualTo(5);
        assertThat(restarted.term()).isEqualTo(FIRST_TERM);
        assertThat(restarted.votedFor()).isEqualTo(1);
        assertThat(commands(cluster, 2)).as("restored from the snapshot").containsExactly(0, 1, 2);

        cluster.node(1).propose(command(7));
        cluster.stabilize();
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS * 2);
        assertThat(restarted.commitIndex()).isEqualTo(FIRST_NOOP + 8);
        assertThat(commands(cluster, 2)).isEqualTo(commands(cluster, 1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(cluster.deliveredOf(InstallSnapshot.class)).isEmpty();
    }

    @Test
    void section5_aNodeRestartedFromASnapshotAloneCanLeadAndServeTheLogAfterIt() {
        TestCluster cluster = cluster(0);
        cluster.elect(1);
        for (int i = 0; i < 4; i++) {
            cluster.node(1).propose(command(i));
        }
        cluster.stabilize();
        assertThat(cluster.disks.get(1L).entries).isEmpty();
        assertThat(cluster.disks.get(1L).snapshot.index()).isEqualTo(FIRST_NOOP + 4);
        cluster.restart(1);
        assertThat(cluster.node(1).lastIndex()).isEqualTo(FIRST_NOOP + 4);
        assertThat(cluster.node(1).lastTerm()).isEqualTo(FIRST_TERM);
        cluster.isolate(2);
        long leader = cluster.awaitLeaderOtherThan(2);
        cluster.node(leader).propose(command(4));
        cluster.stabilize();
        // The new leader's no-op, then the command.
        assertThat(cluster.node(leader).commitIndex()).isEqualTo(FIRST_NOOP + 6);
        assertThat(commands(cluster, 1)).containsExactly(0, 1, 2, 3, 4);
        assertThat(commands(cluster, 3)).containsExactly(0, 1, 2, 3, 4);
    }
}
