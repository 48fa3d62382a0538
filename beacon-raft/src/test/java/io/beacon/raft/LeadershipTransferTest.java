package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.TimeoutNow;
import org.junit.jupiter.api.Test;

import static io.beacon.raft.TestCluster.FIRST_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leadership transfer (§3.10). */
class LeadershipTransferTest {

    @Test
    void section3_10_anUpToDateTargetIsToldToCampaignAndWins() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.delivered.clear();
        cluster.node(1).transferLeadership(2);
        cluster.stabilize();
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(2).term()).isEqualTo(FIRST_TERM + 1);
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.node(1).leaderId()).isEqualTo(2);
        assertThat(cluster.deliveredOf(TimeoutNow.class)).hasSize(1);
        // The target campaigns at once, without a pre-vote, flagging its requests as part of a transfer.
        assertThat(cluster.deliveredOf(io.beacon.raft.message.RequestVote.class)).isNotEmpty()
                .allMatch(request -> request.leadershipTransfer() && !request.preVote()
                        && request.term() == FIRST_TERM + 1);
    }

    @Test
    void section3_10_aLaggingTargetIsCaughtUpFirst() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(3);
        for (int i = 0; i < 5; i++) {
            cluster.node(1).propose(new byte[] {(byte) i});
        }
        cluster.stabilize();
        cluster.heal();
        cluster.delivered.clear();
        cluster.node(1).transferLeadership(3);
        cluster.stabilize();
        assertThat(cluster.node(3).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.delivered.indexOf(cluster.deliveredOf(TimeoutNow.class).get(0)))
                .isGreaterThan(cluster.delivered.indexOf(cluster.deliveredOf(AppendEntries.class).get(0)));
        assertThat(cluster.appliedCommands(3)).hasSize(5);
    }

    @Test
    void section3_10_proposalsAreRefusedWhileATransferIsUnderWayAndAcceptedAfterItTimesOut() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        cluster.isolate(2);
        cluster.node(1).transferLeadership(2);
        assertThatThrownBy(() -> cluster.node(1).propose(new byte[] {1}))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(ProposalRejectedException.Reason.LEADERSHIP_TRANSFER_IN_PROGRESS));
        assertThat(cluster.node(1).status().leadTransferee()).isEqualTo(2);
        cluster.heal();
        cluster.drop(message -> message.to() == 2 && !(message instanceof io.beacon.raft.message.Heartbeat));
        cluster.tickAll(RaftConfig.DEFAULT_ELECTION_TICKS_MIN);
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).status().leadTransferee()).isEqualTo(RaftNode.NONE);
        cluster.node(1).propose(new byte[] {1});
    }

    @Test
    void section3_10_onlyALeaderTransfersAndOnlyToAVoter() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        assertThatThrownBy(() -> cluster.node(2).transferLeadership(3))
                .isInstanceOf(ProposalRejectedException.class);
        assertThatThrownBy(() -> cluster.node(1).transferLeadership(9))
                .isInstanceOf(IllegalArgumentException.class);
        cluster.node(1).transferLeadership(1);
        assertThat(cluster.node(1).status().leadTransferee()).isEqualTo(RaftNode.NONE);
    }

    @Test
    void section3_10_theTransferElectionOverridesTheVotersRecentContactWithTheLeader() {
        TestCluster cluster = new TestCluster(5);
        cluster.elect(1);
        cluster.node(1).transferLeadership(4);
        cluster.stabilize();
        assertThat(cluster.node(4).role()).isEqualTo(Role.LEADER);
        for (long id = 1; id <= 5; id++) {
            assertThat(cluster.node(id).term()).isEqualTo(FIRST_TERM + 1);
        }
    }
}
