package io.beacon.raft;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flow-control window of one follower: a ring buffer of the last index of each message in flight. */
class InflightsTest {

    @Test
    void theWindowFillsUpToItsCapacity() {
        Inflights inflights = new Inflights(3);
        assertThat(inflights.count()).isZero();
        assertThat(inflights.isFull()).isFalse();
        inflights.add(5);
        inflights.add(7);
        assertThat(inflights.count()).isEqualTo(2);
        assertThat(inflights.isFull()).isFalse();
        inflights.add(9);
        assertThat(inflights.count()).isEqualTo(3);
        assertThat(inflights.isFull()).isTrue();
        assertThatThrownBy(() -> inflights.add(11)).isInstanceOf(Checks.InvariantViolation.class)
                .hasMessageContaining("overflow");
        assertThat(inflights.count()).isEqualTo(3);
    }

    @Test
    void anAcknowledgementFreesEveryMessageItCoversAndNoOther() {
        Inflights inflights = new Inflights(4);
        inflights.add(5);
        inflights.add(7);
        inflights.add(9);
        inflights.freeUpTo(4);
        assertThat(inflights.count()).isEqualTo(3);
        inflights.freeUpTo(6);
        assertThat(inflights.count()).as("5 is covered, 7 is not").isEqualTo(2);
        inflights.freeUpTo(7);
        assertThat(inflights.count()).as("exactly up to 7").isEqualTo(1);
        inflights.freeUpTo(100);
        assertThat(inflights.count()).isZero();
        inflights.freeUpTo(200);
        assertThat(inflights.count()).isZero();
    }

    @Test
    void indexesInFlightMustGrowAlsoAcrossTheRingsWrapAround() {
        Inflights inflights = new Inflights(3);
        assertThatThrownBy(() -> {
            inflights.add(5);
            inflights.add(5);
        }).isInstanceOf(Checks.InvariantViolation.class).hasMessageContaining("must grow");
        inflights.clear();
        inflights.add(5);
        inflights.add(7);
        inflights.add(9);
        inflights.freeUpTo(7);
        // The ring now starts at its last slot and holds 9; slot 0 holds a freed 5.
        assertThatThrownBy(() -> inflights.add(8)).isInstanceOf(Checks.InvariantViolation.class);
        inflights.add(10);
        assertThatThrownBy(() -> inflights.add(6)).isInstanceOf(Checks.InvariantViolation.class);
        inflights.add(12);
        assertThat(inflights.isFull()).isTrue();
        inflights.freeUpTo(10);
        assertThat(inflights.count()).isEqualTo(1);
        inflights.freeUpTo(11);
        assertThat(inflights.count()).isEqualTo(1);
        inflights.freeUpTo(12);
        assertThat(inflights.count()).isZero();
    }

    @Test
    void clearEmptiesTheWindow() {
        Inflights inflights = new Inflights(2);
        inflights.add(1);
        inflights.add(2);
        inflights.clear();
        assertThat(inflights.count()).isZero();
        assertThat(inflights.isFull()).isFalse();
        inflights.add(1);
        assertThat(inflights.count()).isEqualTo(1);
    }
}
