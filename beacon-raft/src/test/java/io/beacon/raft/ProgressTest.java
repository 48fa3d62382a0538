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
}
