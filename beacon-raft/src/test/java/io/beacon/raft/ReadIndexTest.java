package io.beacon.raft;

import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.ReadIndexRequest;
import io.beacon.raft.message.ReadIndexResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.beacon.raft.TestCluster.BOOTSTRAP_INDEX;
import static io.beacon.raft.TestCluster.FIRST_NOOP;
import static io.beacon.raft.TestCluster.FIRST_PROPOSAL;
import static org.assertj.core.api.Assertions.assertThat;

/** Linearizable reads: §6.4 (ReadIndex) and §6.4.1 (leases). */
class ReadIndexTest {

    @Test
    void section6_4_aLeaderAnswersAReadOnlyAfterAMajorityEchoesAHeartbeatRound() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).propose(new byte[] {1});
        cluster.stabilize();
        cluster.delivered.clear();
        cluster.isolate(2);
        cluster.isolate(3);
        cluster.node(1).readIndex(77);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).isEmpty();
        assertThat(cluster.deliveredOf(Heartbeat.class)).isEmpty();

        cluster.heal();
        cluster.node(1).readIndex(78);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.granted(77, FIRST_PROPOSAL),
                ReadState.granted(78, FIRST_PROPOSAL));
    }

    @Test
    void section6_4_readsAskedBeforeOneRoundShareIt() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.delivered.clear();
        for (int context = 0; context < 50; context++) {
            cluster.node(1).readIndex(context);
        }
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).hasSize(50).allMatch(ReadState::granted);
        assertThat(cluster.deliveredOf(Heartbeat.class)).hasSize(2);
    }

    @Test
    void section6_4_aNewLeaderAnswersReadsOnlyOnceItsOwnNoopCommitted() {
        TestCluster cluster = new TestCluster(3);
        cluster.drop(message -> message instanceof io.beacon.raft.message.AppendEntriesResponse);
        cluster.elect(1);
        cluster.node(1).readIndex(5);
        cluster.stabilize();
        assertThat(cluster.node(1).commitIndex()).isEqualTo(BOOTSTRAP_INDEX);
        assertThat(cluster.readStates.get(1L)).isEmpty();
        cluster.heal();
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        assertThat(cluster.node(1).commitIndex()).isEqualTo(FIRST_NOOP);
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.granted(5, FIRST_NOOP));
    }

    @Test
    void section6_4_aFollowerGetsItsReadIndexFromTheLeader() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.node(1).propose(new byte[] {1});
        cluster.stabilize();
        cluster.node(3).readIndex(9);
        cluster.stabilize();
        assertThat(cluster.readStates.get(3L)).containsExactly(ReadState.granted(9, FIRST_PROPOSAL));
        assertThat(cluster.deliveredOf(ReadIndexRequest.class)).hasSize(1);
        assertThat(cluster.deliveredOf(ReadIndexResponse.class)).hasSize(1);
    }

    @Test
    void section6_4_readsPendingWhenLeadershipIsLostAreRejected() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(1);
        cluster.node(3).readIndex(1);
        cluster.node(1).readIndex(2);
        cluster.stabilize();
        cluster.tick(1, RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        cluster.stabilize();
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.rejected(2));
        // With no leader known a read is refused at once.
        cluster.node(1).readIndex(3);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.rejected(2), ReadState.rejected(3));
    }

    @Test
    void section6_4_aSingleVoterAnswersAtOnce() {
        TestCluster cluster = new TestCluster(1);
        cluster.elect(1);
        cluster.node(1).readIndex(4);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.granted(4, FIRST_NOOP));
    }

    @Test
    void section6_4_1_withALeaseTheLeaderAnswersWithoutARoundUntilTheLeaseRunsOut() {
        TestCluster cluster = new TestCluster(3, config -> config.withLeaseTicks(8));
        cluster.elect(1);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.isolate(1);
        cluster.delivered.clear();
        cluster.node(1).readIndex(1);
        cluster.processReadys();
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.granted(1, FIRST_NOOP));

        // Once the lease ran out without a new round echoed, reads wait for a round again.
        cluster.tick(1, 8);
        cluster.stabilize();
        cluster.node(1).readIndex(2);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).containsExactly(ReadState.granted(1, FIRST_NOOP));
    }

    @Test
    void section6_4_1_withoutALeaseEveryReadWaitsForARound() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.isolate(1);
        cluster.node(1).readIndex(1);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).isEmpty();
    }

    @Test
    void section6_4_1_noLeaseReadsAfterALeadershipTransferWasAttempted() {
        TestCluster cluster = new TestCluster(3, config -> config.withLeaseTicks(8));
        cluster.elect(1);
        cluster.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICKS);
        cluster.isolate(1);
        cluster.node(1).transferLeadership(2);
        cluster.tick(1, RaftConfig.DEFAULT_ELECTION_TICKS_MIN - 1);
        cluster.node(1).readIndex(1);
        cluster.stabilize();
        assertThat(cluster.readStates.get(1L)).isEmpty();
        assertThat(List.of(cluster.node(1).role())).containsExactly(Role.LEADER);
    }
}
