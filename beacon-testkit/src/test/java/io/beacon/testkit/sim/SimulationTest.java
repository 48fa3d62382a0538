package io.beacon.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator itself: deterministic, able to fail, and passing on the real core. */
class SimulationTest {

    @Test
    void theSameSeedGivesTheSameTrace() {
        SimulationOptions options = SimulationOptions.defaults(42);
        SimulationResult first = Simulation.run(options);
        SimulationResult second = Simulation.run(options);
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.timeline()).isEqualTo(first.timeline());
        assertThat(Simulation.run(options.withSeed(43)).traceHash()).isNotEqualTo(first.traceHash());
    }

    @Test
    void runsDoRealWorkUnderEveryKindOfFault() {
        java.util.List<String> timeline = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            SimulationResult result = Simulation.run(SimulationOptions.defaults(seed));
            assertThat(result.passed()).as(result.failure()).isTrue();
            assertThat(result.acknowledgedWrites()).isGreaterThan(100);
            assertThat(result.operations()).isGreaterThan(500);
            timeline.addAll(result.timeline());
        }
        for (String fault : java.util.List.of("crash", "restart", "partition", "pause", "lossy", "slow", "clock rate")) {
            assertThat(timeline).as("timeline mentions %s", fault).anyMatch(line -> line.contains(fault));
        }
    }

    @Test
    void membershipChangesAndSnapshotsHappenWhenAskedFor() {
        java.util.List<String> timeline = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 10; seed++) {
            SimulationResult result = Simulation.run(SimulationOptions.defaults(seed).withMembershipAndSnapshots());
            assertThat(result.passed()).as(result.failure()).isTrue();
            timeline.addAll(result.timeline());
        }
        for (String event : java.util.List.of("snapshot on node", "membership addVoter", "membership removeMember",
                "membership replace", "empty server", "wiped member", "transfer leadership")) {
            assertThat(timeline).as("timeline mentions %s", event).anyMatch(line -> line.contains(event));
        }
        assertThat(timeline).anyMatch(line -> line.matches(".*proposed at \\d+ by.*"));
    }

    @Test
    void aSnapshotThatDoesNotMatchTheCommittedStateIsCaught() {
        int failed = 0;
        for (long seed = 1; seed <= 5; seed++) {
            SimulationResult result = Simulation.runSabotaged(SimulationOptions.defaults(seed)
                    .withMembershipAndSnapshots(), Sabotage.CORRUPT_SNAPSHOT);
            if (!result.passed()) {
                assertThat(result.failure()).contains("snapshot");
                failed++;
            }
        }
        assertThat(failed).isEqualTo(5);
    }

    @Test
    void acknowledgingBeforePersistingIsCaught() {
        assertThat(failures(Sabotage.ACKNOWLEDGE_BEFORE_PERSIST, 5)).isEqualTo(5);
    }

    @Test
    void aDiskThatForgetsDurableWritesIsCaught() {
        assertThat(failures(Sabotage.FORGETFUL_DISK, 20)).isPositive();
    }

    @Test
    void withoutFaultsEveryOperationSucceedsAndTheHistoryIsLinearizable() {
        SimulationResult result = Simulation.run(SimulationOptions.defaults(3).withFaults(EnumSet.noneOf(Fault.class)));
        assertThat(result.passed()).as(result.failure()).isTrue();
        assertThat(result.timeline()).noneMatch(line -> line.contains("crash"));
    }

    @Test
    void replayCommandNamesEverythingThatDiffersFromTheDefaults() {
        SimulationOptions options = new SimulationOptions(9, 5, 1000, 6, EnumSet.of(Fault.CRASH, Fault.PAUSE), 7);
        assertThat(options.replayCommand()).isEqualTo(
                "bin/beacon-sim --seed 9 --nodes 5 --steps 1000 --clients 6 --faults crash,pause --lease-ticks 7");
        assertThat(SimulationOptions.defaults(9).replayCommand()).isEqualTo(
                "bin/beacon-sim --seed 9 --nodes 3 --steps 20000");
        assertThat(SimulationOptions.defaults(9).withMembershipAndSnapshots().replayCommand()).isEqualTo(
                "bin/beacon-sim --seed 9 --nodes 3 --steps 20000 --membership --snapshots");
    }

    private static int failures(Sabotage sabotage, int seeds) {
        int failed = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            if (!Simulation.runSabotaged(SimulationOptions.defaults(seed), sabotage).passed()) {
                failed++;
            }
        }
        return failed;
    }
}
