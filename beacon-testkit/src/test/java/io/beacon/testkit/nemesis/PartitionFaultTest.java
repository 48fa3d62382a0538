package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionFaultTest {

    @Test
    void everyVariantOccursAndTheRingOnlyWithFiveNodes() {
        Set<PartitionFault.Variant> three = EnumSet.noneOf(PartitionFault.Variant.class);
        Set<PartitionFault.Variant> five = EnumSet.noneOf(PartitionFault.Variant.class);
        for (long seed = 0; seed < 200; seed++) {
            three.add(PartitionFault.plan(3, new SplittableRandom(seed), OptionalInt.of(1)).variant());
            five.add(PartitionFault.plan(5, new SplittableRandom(seed), OptionalInt.of(1)).variant());
        }
        assertThat(three).doesNotContain(PartitionFault.Variant.RING).hasSize(4);
        assertThat(five).containsExactlyInAnyOrder(PartitionFault.Variant.values());
    }

    @Test
    void isolatingTheLeaderCutsItBothWaysFromEveryOtherNodeAndNothingElse() {
        PartitionFault.Plan plan = planOf(PartitionFault.Variant.ISOLATE_LEADER, 5, OptionalInt.of(3));
        assertThat(plan.nodes()).containsExactly(3);
        assertThat(plan.cuts()).hasSize(8).allSatisfy(cut -> assertThat(cut).contains(3));
        assertThat(PartitionFault.majorityConnected(5, plan.cuts())).isTrue();
    }

    @Test
    void halvesCutAMinorityOfFloorHalfFromTheRest() {
        PartitionFault.Plan plan = planOf(PartitionFault.Variant.HALVES, 5, OptionalInt.empty());
        assertThat(plan.nodes()).hasSize(2);
        assertThat(plan.cuts()).hasSize(2 * 2 * 3);
        assertThat(PartitionFault.majorityConnected(5, plan.cuts())).isTrue();
    }

    @Test
    void oneWayCutsOnlyOneDirection() {
        PartitionFault.Plan plan = planOf(PartitionFault.Variant.ONE_WAY, 3, OptionalInt.empty());
        int node = plan.nodes().get(0);
        assertThat(plan.cuts()).hasSize(2);
        for (List<Integer> cut : plan.cuts()) {
            assertThat(plan.cuts()).doesNotContain(List.of(cut.get(1), cut.get(0)));
            assertThat(cut).contains(node);
        }
    }

    @Test
    void theRingLeavesEachNodeExactlyItsTwoNeighbours() {
        PartitionFault.Plan plan = planOf(PartitionFault.Variant.RING, 5, OptionalInt.empty());
        for (int node = 0; node < 5; node++) {
            int reachable = 0;
            for (int other = 0; other < 5; other++) {
                if (other != node && !plan.cuts().contains(List.of(node, other))) {
                    reachable++;
                    assertThat(plan.cuts()).doesNotContain(List.of(other, node));
                }
            }
            assertThat(reachable).as("n%d's neighbours", node).isEqualTo(2);
        }
        assertThat(PartitionFault.majorityConnected(5, plan.cuts())).isTrue();
    }

    @Test
    void noMajorityConnectedWhenEveryNodeIsCutFromEveryOther() {
        Set<List<Integer>> all = new java.util.HashSet<>();
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                if (a != b) {
                    all.add(List.of(a, b));
                }
            }
        }
        assertThat(PartitionFault.majorityConnected(3, all)).isFalse();
        assertThat(PartitionFault.majorityConnected(3, Set.of(List.of(0, 1), List.of(1, 2), List.of(2, 0))))
                .as("a one-way cycle leaves no node connected both ways to another").isFalse();
    }

    private static PartitionFault.Plan planOf(PartitionFault.Variant variant, int n, OptionalInt leader) {
        for (long seed = 0; seed < 1000; seed++) {
            PartitionFault.Plan plan = PartitionFault.plan(n, new SplittableRandom(seed), leader);
            if (plan.variant() == variant) {
                return plan;
            }
        }
        throw new AssertionError("no seed below 1000 chose " + variant);
    }
}
