package io.beacon.raft;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node settings: Beacon's defaults, the copy-with methods and the validation of every field. */
class RaftConfigTest {

    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);

    private static RaftConfig config(long id, List<Long> voters, int heartbeat, int min, int max, boolean checkQuorum,
                                     int lease, int inflight, int entries, int bytes) {
        return new RaftConfig(id, voters, heartbeat, min, max, true, checkQuorum, lease, inflight, entries, bytes, 7,
                100, 1000, 10, 64);
    }

    private static RaftConfig snapshots(long entries, long bytes, long tail, int chunk) {
        return new RaftConfig(1, VOTERS, 2, 10, 20, true, true, 0, 1, 1, 1, 7, entries, bytes, tail, chunk);
    }

    @Test
    void theDefaultsAreBeaconsSettings() {
        RaftConfig config = RaftConfig.defaults(2, VOTERS);
        assertThat(config.id()).isEqualTo(2);
        assertThat(config.voters()).containsExactly(1L, 2L, 3L);
        assertThat(config.heartbeatTicks()).isEqualTo(2);
        assertThat(config.electionTicksMin()).isEqualTo(10);
        assertThat(config.electionTicksMax()).isEqualTo(20);
        assertThat(config.preVote()).isTrue();
        assertThat(config.checkQuorum()).isTrue();
        assertThat(config.leaseTicks()).isZero();
        assertThat(config.maxInflightMessages()).isEqualTo(256);
        assertThat(config.maxEntriesPerMessage()).isEqualTo(4096);
        assertThat(config.maxBytesPerMessage()).isEqualTo(1 << 20);
        assertThat(config.randomSeed()).isEqualTo(2);
        assertThat(config.snapshotEntries()).isEqualTo(10_000);
        assertThat(config.snapshotBytes()).isEqualTo(64L << 20);
        assertThat(config.logTailEntries()).isEqualTo(1_000);
        assertThat(config.snapshotChunkBytes()).isEqualTo(1 << 20);
    }

    @Test
    void copyWithMethodsChangeOnlyTheirFields() {
        RaftConfig base = RaftConfig.defaults(1, VOTERS);
        RaftConfig timeouts = base.withTimeouts(3, 12, 30);
        assertThat(List.of(timeouts.heartbeatTicks(), timeouts.electionTicksMin(), timeouts.electionTicksMax()))
                .containsExactly(3, 12, 30);
        assertThat(timeouts.withTimeouts(2, 10, 20)).isEqualTo(base);
        assertThat(base.withPreVote(false).preVote()).isFalse();
        assertThat(base.withPreVote(false).withPreVote(true)).isEqualTo(base);
        assertThat(base.withRandomSeed(99).randomSeed()).isEqualTo(99);
        RaftConfig flow = base.withFlowControl(4, 5, 6);
        assertThat(List.of(flow.maxInflightMessages(), flow.maxEntriesPerMessage(), flow.maxBytesPerMessage()))
                .containsExactly(4, 5, 6);
        assertThat(base.withLeaseTicks(5).leaseTicks()).isEqualTo(5);
        RaftConfig snapshots = base.withSnapshots(7, 8, 9, 10);
        assertThat(List.of(snapshots.snapshotEntries(), snapshots.snapshotBytes(), snapshots.logTailEntries()))
                .containsExactly(7L, 8L, 9L);
        assertThat(snapshots.snapshotChunkBytes()).isEqualTo(10);
        assertThat(snapshots.withSnapshots(10_000, 64L << 20, 1_000, 1 << 20)).isEqualTo(base);
        // Every copy keeps every other field, the snapshot settings included.
        RaftConfig all = snapshots.withTimeouts(3, 12, 30).withPreVote(false).withCheckQuorum(true).withLeaseTicks(4)
                .withFlowControl(4, 5, 6).withRandomSeed(99);
        assertThat(all).isEqualTo(new RaftConfig(1, VOTERS, 3, 12, 30, false, true, 4, 4, 5, 6, 99, 7, 8, 9, 10));
        assertThat(all.withSnapshots(10_000, 64L << 20, 1_000, 1 << 20).withTimeouts(2, 10, 20).withPreVote(true)
                .withLeaseTicks(0).withFlowControl(256, 4096, 1 << 20).withRandomSeed(1)).isEqualTo(base);
    }

    @Test
    void aNodeJoiningAnExistingClusterStartsWithNoVoters() {
        RaftConfig joining = RaftConfig.defaults(4, List.of());
        assertThat(joining.voters()).isEmpty();
        assertThat(config(1, List.of(), 2, 10, 20, true, 0, 1, 1, 1).voters()).isEmpty();
    }

    @Test
    void anotherMemberGetsTheSameSettingsUnderItsOwnIdAndInitialVoters() {
        RaftConfig base = RaftConfig.defaults(1, VOTERS).withSnapshots(7, 8, 9, 10).withLeaseTicks(4);
        RaftConfig joining = base.withMember(4, List.of());
        assertThat(joining.id()).isEqualTo(4);
        assertThat(joining.voters()).isEmpty();
        assertThat(joining.withMember(1, VOTERS)).isEqualTo(base);
        assertThatThrownBy(() -> base.withMember(0, VOTERS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theVotersAreCopied() {
        java.util.ArrayList<Long> voters = new java.util.ArrayList<>(VOTERS);
        RaftConfig config = RaftConfig.defaults(1, voters);
        voters.add(4L);
        assertThat(config.voters()).containsExactly(1L, 2L, 3L);
        assertThatThrownBy(() -> config.voters().add(5L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void section6_4_1_turningCheckQuorumOffAlsoTurnsLeasesOffButTurningItOnKeepsThem() {
        RaftConfig lease = RaftConfig.defaults(1, VOTERS).withLeaseTicks(5);
        RaftConfig off = lease.withCheckQuorum(false);
        assertThat(off.checkQuorum()).isFalse();
        assertThat(off.leaseTicks()).isZero();
        RaftConfig on = lease.withCheckQuorum(true);
        assertThat(on.checkQuorum()).isTrue();
        assertThat(on.leaseTicks()).isEqualTo(5);
        assertThatThrownBy(() -> off.withLeaseTicks(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease reads need checkQuorum");
    }

    @Test
    void everyInvalidSettingIsRefusedWithItsReason() {
        assertInvalid(() -> config(0, VOTERS, 2, 10, 20, true, 0, 1, 1, 1), "id must be positive");
        assertInvalid(() -> config(1, List.of(1L, 0L), 2, 10, 20, true, 0, 1, 1, 1), "voter ids must be positive");
        assertInvalid(() -> config(1, List.of(1L, -2L), 2, 10, 20, true, 0, 1, 1, 1), "voter ids must be positive");
        assertInvalid(() -> config(1, List.of(1L, 1L), 2, 10, 20, true, 0, 1, 1, 1), "voter ids must be distinct");
        assertInvalid(() -> config(1, VOTERS, 0, 10, 20, true, 0, 1, 1, 1), "heartbeatTicks must be positive");
        assertInvalid(() -> config(1, VOTERS, 10, 10, 20, true, 0, 1, 1, 1), "electionTicksMin must exceed");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 10, true, 0, 1, 1, 1), "electionTicksMax must exceed");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, true, -1, 1, 1, 1), "leaseTicks must be in");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, true, 10, 1, 1, 1), "leaseTicks must be in");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, false, 5, 1, 1, 1), "lease reads need checkQuorum");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, true, 0, 0, 1, 1), "maxInflightMessages must be positive");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, true, 0, 1, 0, 1), "maxEntriesPerMessage must be positive");
        assertInvalid(() -> config(1, VOTERS, 2, 10, 20, true, 0, 1, 1, 0), "maxBytesPerMessage must be positive");
        assertInvalid(() -> snapshots(0, 1, 0, 1), "snapshotEntries must be positive");
        assertInvalid(() -> snapshots(1, 0, 0, 1), "snapshotBytes must be positive");
        assertInvalid(() -> snapshots(1, 1, -1, 1), "logTailEntries must not be negative");
        assertInvalid(() -> snapshots(1, 1, 0, 0), "snapshotChunkBytes must be positive");
        assertThat(snapshots(1, 1, 0, 1).logTailEntries()).isZero();
        // The smallest valid values.
        RaftConfig smallest = config(1, List.of(1L), 1, 2, 3, false, 0, 1, 1, 1);
        assertThat(smallest.electionTicksMax()).isEqualTo(3);
        assertThat(config(1, VOTERS, 2, 10, 20, true, 9, 1, 1, 1).leaseTicks()).isEqualTo(9);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable build, String reason) {
        assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid Raft configuration: " + reason);
    }
}
