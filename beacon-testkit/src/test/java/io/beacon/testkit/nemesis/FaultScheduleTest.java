package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultScheduleTest {

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        List<FaultType> all = FaultType.parseList("all");
        List<FaultSchedule.PlannedFault> first = FaultSchedule.of(all, 42).preview(50);
        assertThat(FaultSchedule.of(all, 42).preview(50)).isEqualTo(first);
        assertThat(FaultSchedule.of(all, 43).preview(50)).isNotEqualTo(first);
    }

    @Test
    void nextFollowsThePreviewAndPreviewDoesNotMoveTheSchedule() {
        FaultSchedule schedule = FaultSchedule.of(List.of(FaultType.KILL, FaultType.PAUSE, FaultType.DISK), 7);
        List<FaultSchedule.PlannedFault> preview = schedule.preview(10);
        for (FaultSchedule.PlannedFault expected : preview) {
            assertThat(schedule.next()).isEqualTo(expected);
        }
    }

    @Test
    void everyListedTypeOccursInEachRoundOfAsManyFaults() {
        List<FaultType> all = List.of(FaultType.values());
        for (long seed = 0; seed < 20; seed++) {
            List<FaultSchedule.PlannedFault> plan = FaultSchedule.of(all, seed).preview(all.size() * 3);
            for (int round = 0; round < 3; round++) {
                Set<FaultType> seen = EnumSet.noneOf(FaultType.class);
                plan.subList(round * all.size(), (round + 1) * all.size()).forEach(p -> seen.add(p.type()));
                assertThat(seen).as("seed %d round %d", seed, round).containsExactlyInAnyOrderElementsOf(all);
            }
        }
    }

    @Test
    void onlyListedTypesOccurAndRoundsAreShuffled() {
        List<FaultType> two = FaultType.parseList("kill, partition");
        Set<List<FaultType>> orders = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            List<FaultSchedule.PlannedFault> plan = FaultSchedule.of(two, seed).preview(2);
            assertThat(plan).extracting(FaultSchedule.PlannedFault::type).containsExactlyInAnyOrderElementsOf(two);
            orders.add(plan.stream().map(FaultSchedule.PlannedFault::type).toList());
        }
        assertThat(orders).as("both orders occur across seeds").hasSize(2);
    }

    @Test
    void durationsStayWithinTheBoundsAndVary() {
        Duration min = Duration.ofMillis(1500);
        Duration max = Duration.ofMillis(4000);
        List<FaultSchedule.PlannedFault> plan = new FaultSchedule(List.of(FaultType.values()), 3, min, max)
                .preview(200);
        assertThat(plan).allSatisfy(p -> assertThat(p.duration()).isBetween(min, max));
        assertThat(plan.stream().map(FaultSchedule.PlannedFault::duration).distinct().count()).isGreaterThan(50);
        assertThat(plan).extracting(FaultSchedule.PlannedFault::number).startsWith(1, 2, 3);
    }

    @Test
    void badInputIsRefusedWithAMessageThatSaysWhatToDo() {
        assertThatThrownBy(() -> FaultType.parseList("kill,explode")).hasMessageContaining("unknown fault 'explode'")
                .hasMessageContaining("membership");
        assertThatThrownBy(() -> new FaultSchedule(List.of(), 1, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("at least one fault type");
        assertThatThrownBy(() -> new FaultSchedule(List.of(FaultType.KILL), 1, Duration.ofSeconds(3),
                Duration.ofSeconds(2))).hasMessageContaining("min <= max");
        assertThat(FaultType.parseList("all")).containsExactly(FaultType.values());
        assertThat(FaultType.parseList("pause,PAUSE,kill")).containsExactly(FaultType.PAUSE, FaultType.KILL);
    }
}
