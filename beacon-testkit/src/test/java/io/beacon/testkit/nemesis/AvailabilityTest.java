// Owns: tests of the fault intervals and of availability counts overall and within fault tolerance.
package io.beacon.testkit.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.testkit.nemesis.FaultEvent.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

    private static FaultEvent fault(long time, String name, Phase phase, List<Integer> nodes, boolean tolerated) {
        return new FaultEvent(time, name, phase, nodes, name + " " + phase.label(), tolerated);
    }

    private static final List<FaultEvent> FAULTS = List.of(
        fault(100, "kill", Phase.START, List.of(0), true),
        fault(200, "kill", Phase.END, List.of(0), true),
        fault(300, "partition", Phase.START, List.of(0, 1), false),
        fault(310, "disk", Phase.NOTE, List.of(2), false),
        fault(400, "partition", Phase.END, List.of(0, 1), false),
        fault(500, "pause", Phase.START, List.of(1, 2), false)); // never healed

    @Test
    void countsOutcomesOverallAndForOperationsInvokedWithinTolerance() {
        TestHistory history = new TestHistory()
            .op(0, "read", "x", null, null, 50, 60, null)      // no fault: within tolerance
            .invoke(150, 0, "write", "x", "1").fail(160, 0)    // tolerated kill
            .invoke(350, 0, "write", "x", "2").info(360, 0)    // partition beyond tolerance
            .op(0, "read", "x", null, null, 400, 450, "1")     // the partition healed at 400
            .op(1, "read", "x", null, null, 299, 700, "1")     // invoked just before the partition
            .op(0, "read", "x", null, null, 550, 560, "1")     // pause never healed
            .invoke(600, 2, "read", "x", null);                // never completed, beyond tolerance

        Availability availability = Availability.of(history.operations(), FaultTimeline.of(FAULTS));

        assertThat(availability.all()).isEqualTo(new Availability.Counts(4, 1, 1, 1));
        assertThat(availability.all().invoked()).isEqualTo(7);
        assertThat(availability.all().okShare()).isEqualTo(4.0 / 6);
        assertThat(availability.withinTolerance()).isEqualTo(new Availability.Counts(3, 1, 0, 0));
        assertThat(availability.withinTolerance().okShare()).isEqualTo(0.75);
        assertThat(availability.summary()).isEqualTo(
            "availability overall: 66.67% ok of 6 completed (4 ok, 1 fail, 1 info; 1 never completed)\n"
                + "availability within fault tolerance: 75.00% ok of 4 completed (3 ok, 1 fail, 0 info; 0 never "
                + "completed)\n");
    }

    @Test
    void nothingCompletedHasNoShare() {
        Availability availability = Availability.of(List.of(), FaultTimeline.of(List.of()));

        assertThat(availability.all().okShare()).isNaN();
        assertThat(availability.summary()).contains("n/a ok of 0 completed");
    }

    @Test
    void anEndClosesTheStartOfTheSameFaultOnTheSameNodesElseTheOldestOfThatFault() {
        FaultTimeline timeline = FaultTimeline.of(List.of(
            fault(0, "kill", Phase.START, List.of(0), true),
            fault(10, "kill", Phase.START, List.of(1), false),
            fault(20, "kill", Phase.END, List.of(1), false),
            fault(30, "kill", Phase.END, List.of(), true),
            fault(40, "clock", Phase.END, List.of(2), true)));

        assertThat(timeline.intervals()).extracting(FaultTimeline.Interval::nodes, FaultTimeline.Interval::end)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(List.of(0), 30L),
                org.assertj.core.groups.Tuple.tuple(List.of(1), 20L));
        assertThat(timeline.notes()).singleElement()
            .satisfies(note -> assertThat(note.detail()).startsWith("ended without a start"));
        assertThat(timeline.withinTolerance(15)).isFalse();
        assertThat(timeline.withinTolerance(25)).isTrue();
        assertThat(timeline.faultNames()).containsExactly("kill", "clock");
    }
}
