package io.beacon.raft;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.assertj.core.api.Assertions.assertThat;

/** A leader's view of one follower: probing, optimistic replication (§3.5, §10.2.1) and flow control. */
class ProgressTest {

    /** A follower in REPLICATE whose log matches up to matchIndex. */
    private static Progress replicating(long matchIndex, int window) {
        Progress progress = new Progress(2, matchIndex + 1, window);
        progress.onSent(matchIndex, true);
        assertThat(progress.onAccepted(matchIndex)).isEqualTo(matchIndex > 0);
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
        return progress;
    }

    private static void setInt(Progress progress, String field, int value) throws ReflectiveOperationException {
        Field f = Progress.class.getDeclaredField(field);
        f.setAccessible(true);
        f.setInt(progress, value);
    }

    @Test
    void aNewFollowerIsProbedWithOneMessageAtATime() {
        Progress progress = new Progress(2, 6, 4);
        assertThat(progress.id()).isEqualTo(2);
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);
        assertThat(progress.matchIndex()).isZero();
        assertThat(progress.nextIndex()).isEqualTo(6);
        assertThat(progress.isPaused()).isFalse();
        assertThat(progress.wantsChunk()).as("no snapshot to send").isFalse();
        assertThat(progress.snapshot()).isNull();

        progress.onSent(5, true);
        assertThat(progress.isPaused()).as("a probe is out").isTrue();
        assertThat(progress.nextIndex()).isEqualTo(6);
        // A probe may carry entries; the next index only moves once the follower answers.
        Progress withEntries = new Progress(2, 6, 4);
        withEntries.onSent(9, false);
        assertThat(withEntries.isPaused()).isTrue();
        assertThat(withEntries.nextIndex()).isEqualTo(6);
    }

    @Test
    void aHeartbeatResponseUnpausesAProbeAndRecordsTheHighestRoundEchoed() {
        Progress progress = new Progress(2, 6, 4);
        progress.onSent(5, true);
        progress.tick();
        progress.tick();
        assertThat(progress.ticksSinceResponse()).isEqualTo(2);
        progress.onHeartbeatResponse(7);
        assertThat(progress.isPaused()).isFalse();
        assertThat(progress.ticksSinceResponse()).isZero();
        assertThat(progress.acknowledgedRound()).isEqualTo(7);
        progress.onHeartbeatResponse(3);
        assertThat(progress.acknowledgedRound()).as("a late echo of an older round").isEqualTo(7);
    }

    @Test
    void anAcceptedProbeSwitchesToReplication() {
        Progress progress = new Progress(2, 6, 4);
        progress.onSent(5, true);
        assertThat(progress.onAccepted(5)).isTrue();
        assertThat(progress.matchIndex()).isEqualTo(5);
        assertThat(progress.nextIndex()).isEqualTo(6);
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
        assertThat(progress.isPaused()).isFalse();
    }

    @Test
    void aStaleAcceptanceNeitherLowersTheMatchNorEndsAProbe() {
        Progress progress = replicating(5, 4);
        assertThat(progress.onAccepted(5)).as("same index again").isFalse();
        progress.becomeProbe();
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);
        assertThat(progress.nextIndex()).isEqualTo(6);
        progress.onSent(5, true);
        assertThat(progress.onAccepted(3)).isFalse();
        assertThat(progress.matchIndex()).isEqualTo(5);
        assertThat(progress.nextIndex()).isEqualTo(6);
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);
        assertThat(progress.isPaused()).isTrue();
    }

    @Test
    void section3_5_replicationStreamsUpToTheInflightWindow() {
        Progress progress = replicating(5, 3);
        progress.onSent(8, false);
        assertThat(progress.nextIndex()).isEqualTo(9);
        progress.onSent(10, false);
        assertThat(progress.isPaused()).isFalse();
        progress.onSent(12, false);
        assertThat(progress.nextIndex()).isEqualTo(13);
        assertThat(progress.isPaused()).as("window of 3 full").isTrue();
        // An empty append (a lost-message check) takes no room in the window.
        progress.onSent(12, true);
        assertThat(progress.nextIndex()).isEqualTo(13);

        assertThat(progress.onAccepted(8)).isTrue();
        assertThat(progress.matchIndex()).isEqualTo(8);
        assertThat(progress.nextIndex()).as("streaming goes on from where it was").isEqualTo(13);
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
        assertThat(progress.isPaused()).as("one message freed").isFalse();
        progress.onSent(14, false);
        assertThat(progress.isPaused()).isTrue();
    }

    @Test
    void anAcceptanceBeyondWhatWasSentMovesTheNextIndexPastIt() {
        Progress progress = replicating(5, 4);
        assertThat(progress.onAccepted(9)).isTrue();
        assertThat(progress.matchIndex()).isEqualTo(9);
        assertThat(progress.nextIndex()).isEqualTo(10);
    }

    @Test
    void section3_5_aRejectionInReplicationFallsBackToProbingAtTheHint() {
        Progress progress = replicating(5, 4);
        progress.onSent(10, false);
        assertThat(progress.onRejected(5, 3)).as("rejects what is already matched: stale").isFalse();
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
        assertThat(progress.onRejected(4, 3)).isFalse();
        assertThat(progress.nextIndex()).isEqualTo(11);

        assertThat(progress.onRejected(10, 7)).isTrue();
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);
        assertThat(progress.nextIndex()).isEqualTo(8);
        assertThat(progress.isPaused()).isFalse();

        Progress lowHint = replicating(5, 4);
        lowHint.onSent(10, false);
        assertThat(lowHint.onRejected(10, 2)).isTrue();
        assertThat(lowHint.nextIndex()).as("never below the match").isEqualTo(6);

        Progress highHint = replicating(5, 4);
        highHint.onSent(10, false);
        assertThat(highHint.onRejected(9, 20)).isTrue();
        assertThat(highHint.nextIndex()).as("never past the rejected index").isEqualTo(9);
    }

    @Test
    void section3_5_aRejectedProbeStepsBackAndOnlyTheAnswerToTheCurrentProbeCounts() {
        Progress progress = replicating(5, 4);
        progress.onSent(10, false);
        progress.onRejected(10, 20);
        assertThat(progress.nextIndex()).isEqualTo(10);
        progress.onSent(9, false);
        assertThat(progress.isPaused()).isTrue();

        assertThat(progress.onRejected(10, 3)).as("answers an older message").isFalse();
        assertThat(progress.onRejected(8, 3)).isFalse();
        assertThat(progress.nextIndex()).isEqualTo(10);
        assertThat(progress.isPaused()).isTrue();

        assertThat(progress.onRejected(9, 7)).isTrue();
        assertThat(progress.nextIndex()).isEqualTo(8);
        assertThat(progress.isPaused()).isFalse();
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);

        progress.onSent(7, false);
        assertThat(progress.onRejected(7, 2)).isTrue();
        assertThat(progress.nextIndex()).as("never below the match").isEqualTo(6);
    }

    @Test
    void aProbeRejectedAtTheMatchedIndexMeansTheFollowerLostEntriesAndTheMatchIsForgotten() {
        Progress progress = replicating(5, 4);
        progress.onSent(10, false);
        assertThat(progress.onRejected(10, 2)).isTrue();
        assertThat(progress.nextIndex()).isEqualTo(6);
        progress.onSent(5, false);

        assertThat(progress.onRejected(5, 2)).as("the answer to the current probe, at the match").isTrue();
        assertThat(progress.matchIndex()).isZero();
        assertThat(progress.nextIndex()).isEqualTo(3);
        progress.onSent(2, false);
        assertThat(progress.onAccepted(9)).isTrue();
        assertThat(progress.matchIndex()).isEqualTo(9);
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
    }

    @Test
    void section10_2_1_entriesUnacknowledgedForLongAreReportedStalled() {
        Progress progress = replicating(5, 4);
        for (int i = 0; i < 10; i++) {
            progress.tick();
        }
        assertThat(progress.isStalled(5)).as("nothing in flight").isFalse();
        progress.onSent(8, false);
        for (int i = 0; i < 4; i++) {
            progress.tick();
        }
        assertThat(progress.isStalled(5)).isFalse();
        progress.onSent(9, false);
        progress.tick();
        assertThat(progress.isStalled(5)).as("counted from the first unacknowledged message").isTrue();
        assertThat(progress.isStalled(6)).isFalse();
        progress.onAccepted(8);
        assertThat(progress.isStalled(1)).isFalse();
        progress.tick();
        assertThat(progress.isStalled(1)).isTrue();
        progress.onAccepted(9);
        progress.tick();
        assertThat(progress.isStalled(0)).as("everything acknowledged").isFalse();

        Progress probing = new Progress(2, 6, 4);
        probing.onSent(9, false);
        for (int i = 0; i < 10; i++) {
            probing.tick();
        }
        assertThat(probing.isStalled(1)).as("a probe is never stalled").isFalse();
    }

    @Test
    void tickCountersSaturateInsteadOfOverflowing() throws ReflectiveOperationException {
        Progress progress = replicating(5, 4);
        progress.onSent(8, false);
        setInt(progress, "ticksSinceResponse", Integer.MAX_VALUE - 1);
        setInt(progress, "ticksWithoutAcknowledgement", Integer.MAX_VALUE - 1);
        progress.tick();
        progress.tick();
        progress.tick();
        assertThat(progress.ticksSinceResponse()).isEqualTo(Integer.MAX_VALUE);
        assertThat(progress.isStalled(Integer.MAX_VALUE)).isTrue();
        progress.onResponse();
        assertThat(progress.ticksSinceResponse()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending a snapshot (§5.3)

    private static final SnapshotMetadata SNAPSHOT = new SnapshotMetadata(20, 3, Configuration.of(java.util.List.of(1L, 2L)));

    @Test
    void section5_3_aFollowerBeingSentASnapshotGetsOneChunkAtATimeAndNoEntries() {
        Progress progress = replicating(5, 4);
        progress.onSent(8, false);
        progress.becomeSnapshot(SNAPSHOT);
        assertThat(progress.state()).isEqualTo(Progress.State.SNAPSHOT);
        assertThat(progress.snapshot()).isEqualTo(SNAPSHOT);
        assertThat(progress.snapshotOffset()).isZero();
        assertThat(progress.isPaused()).isTrue();
        assertThat(progress.wantsChunk()).isTrue();
        assertThat(progress.isStalled(0)).as("nothing asked for yet").isFalse();
        progress.onChunkOutstanding();
        assertThat(progress.wantsChunk()).isFalse();
        assertThat(progress.isPaused()).isTrue();
        // A heartbeat answer does not unpause it.
        progress.onHeartbeatResponse(1);
        assertThat(progress.isPaused()).isTrue();
        assertThat(progress.onRejected(5, 3)).as("rejections are moot while sending a snapshot").isFalse();
        assertThat(progress.onRejected(progress.nextIndex() - 1, 3)).as("even one of the latest message").isFalse();
        assertThat(progress.nextIndex()).isEqualTo(9);
        assertThat(progress.state()).isEqualTo(Progress.State.SNAPSHOT);

        progress.onChunkAcknowledged(8);
        assertThat(progress.snapshotOffset()).isEqualTo(8);
        assertThat(progress.wantsChunk()).isTrue();
        progress.onChunkOutstanding();
        progress.onChunkAcknowledged(0);
        assertThat(progress.snapshotOffset()).as("the follower starts over").isZero();
    }

    @Test
    void section5_3_aChunkUnacknowledgedForLongIsStalledAndRetriedFromTheAcknowledgedOffset() {
        Progress progress = new Progress(2, 1, 4);
        progress.becomeSnapshot(SNAPSHOT);
        progress.onChunkOutstanding();
        progress.onChunkAcknowledged(16);
        progress.onChunkOutstanding();
        for (int i = 0; i < 4; i++) {
            progress.tick();
        }
        assertThat(progress.isStalled(5)).isFalse();
        // Asking again for the outstanding chunk does not restart the clock.
        progress.onChunkOutstanding();
        progress.tick();
        assertThat(progress.isStalled(5)).isTrue();
        progress.retryChunk();
        assertThat(progress.isStalled(0)).isFalse();
        assertThat(progress.wantsChunk()).isTrue();
        assertThat(progress.snapshotOffset()).isEqualTo(16);
        progress.onChunkOutstanding();
        assertThat(progress.isStalled(1)).as("a new request restarts the clock").isFalse();
        progress.tick();
        assertThat(progress.isStalled(1)).isTrue();
        progress.onChunkAcknowledged(24);
        assertThat(progress.isStalled(0)).isFalse();
    }

    @Test
    void section5_3_anInstalledSnapshotMovesTheMatchAndProbesFromAfterIt() {
        Progress progress = replicating(5, 4);
        progress.becomeSnapshot(SNAPSHOT);
        progress.onChunkOutstanding();
        progress.onSnapshotInstalled(20);
        assertThat(progress.state()).isEqualTo(Progress.State.PROBE);
        assertThat(progress.matchIndex()).isEqualTo(20);
        assertThat(progress.nextIndex()).isEqualTo(21);
        assertThat(progress.snapshot()).isNull();
        assertThat(progress.isPaused()).isFalse();
        assertThat(progress.wantsChunk()).isFalse();
        progress.tick();
        assertThat(progress.isStalled(0)).as("the last chunk's request does not stall a probe").isFalse();
        // A follower that was already further along keeps its match.
        Progress ahead = replicating(25, 4);
        ahead.becomeSnapshot(SNAPSHOT);
        ahead.onSnapshotInstalled(20);
        assertThat(ahead.matchIndex()).isEqualTo(25);
        assertThat(ahead.nextIndex()).isEqualTo(26);
    }

    @Test
    void section5_3_startingASnapshotDropsTheWindowAndAnyOutstandingChunk() {
        Progress progress = replicating(5, 1);
        progress.onSent(6, false);
        assertThat(progress.isPaused()).isTrue();
        progress.becomeSnapshot(SNAPSHOT);
        progress.onChunkOutstanding();
        progress.becomeSnapshot(SNAPSHOT);
        assertThat(progress.wantsChunk()).isTrue();
        progress.onSnapshotInstalled(20);
        progress.onSent(20, true);
        assertThat(progress.onAccepted(20)).isFalse();
        assertThat(progress.state()).isEqualTo(Progress.State.REPLICATE);
        progress.onSent(21, false);
        assertThat(progress.isPaused()).as("a window of one, emptied by the snapshot").isTrue();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Catching a learner up (§4.2.1)

    @Test
    void section4_2_1_aLearnerIsCaughtUpOnceItReachesTheTargetOfARoundWithinTheRoundTicks() {
        Progress learner = new Progress(4, 1, 4);
        assertThat(learner.caughtUp(10, 0, 5)).as("the first call starts round one, aiming at 10").isFalse();
        assertThat(learner.caughtUp(12, 2, 5)).isFalse();
        learner.onSent(9, false);
        learner.onAccepted(9);
        assertThat(learner.caughtUp(12, 3, 5)).isFalse();
        learner.onAccepted(10);
        assertThat(learner.caughtUp(12, 4, 5)).as("reached 10 within 4 ticks").isTrue();
        assertThat(learner.caughtUp(12, 4, 5)).isTrue();
    }

    @Test
    void section4_2_1_aRoundThatTookLongerThanTheRoundTicksStartsAnotherOne() {
        Progress learner = new Progress(4, 1, 4);
        learner.caughtUp(10, 0, 5);
        learner.onSent(10, false);
        learner.onAccepted(10);
        assertThat(learner.caughtUp(30, 5, 5)).as("reached 10 only after 5 ticks: round two aims at 30").isFalse();
        learner.onAccepted(29);
        assertThat(learner.caughtUp(30, 6, 5)).isFalse();
        learner.onAccepted(30);
        assertThat(learner.caughtUp(31, 9, 5)).isTrue();
        // Still not caught up when the round is over: the round goes on.
        Progress slow = new Progress(4, 1, 4);
        slow.caughtUp(10, 0, 5);
        assertThat(slow.caughtUp(20, 50, 5)).isFalse();
        slow.onSent(10, false);
        slow.onAccepted(10);
        assertThat(slow.caughtUp(20, 51, 5)).as("the target of the long round was reached: a new round")
                .isFalse();
        slow.onAccepted(20);
        assertThat(slow.caughtUp(20, 52, 5)).isTrue();
    }

    @Test
    void section4_2_1_aRoundThatRanOutOfTimeEndsOnlyWhenItsTargetIsReached() {
        Progress learner = new Progress(4, 1, 4);
        learner.caughtUp(10, 0, 5);
        learner.onSent(5, false);
        learner.onAccepted(5);
        assertThat(learner.caughtUp(10, 50, 5)).as("round one is late and not done").isFalse();
        learner.onAccepted(10);
        assertThat(learner.caughtUp(10, 51, 5)).as("round one took 51 ticks: round two starts").isFalse();
        assertThat(learner.caughtUp(10, 52, 5)).as("round two is done at once").isTrue();
    }

    @Test
    void section4_2_1_aLearnerBeingSentASnapshotIsNeverCaughtUp() {
        Progress learner = new Progress(4, 1, 4);
        learner.caughtUp(0, 0, 5);
        learner.becomeSnapshot(SNAPSHOT);
        assertThat(learner.caughtUp(0, 1, 5)).isFalse();
        learner.onSnapshotInstalled(20);
        assertThat(learner.caughtUp(20, 2, 5)).isTrue();
    }
}
