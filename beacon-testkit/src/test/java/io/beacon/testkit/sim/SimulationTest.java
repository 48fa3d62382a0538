package io.beacon.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator itself: deterministic, able to fail, and passing on the real core. */
class SimulationTest {

    @Test
    void theSameSeedGivesTheSameTrace() {
        assertDeterministic(SimulationOptions.defaults(42));
    }

    @Test
    void theSameSeedGivesTheSameTraceWithTheRegistryWorkload() {
        SimulationOptions options = SimulationOptions.defaults(42).withWorkload(Workload.REGISTRY)
                .withMembershipAndSnapshots();
        SimulationResult registry = assertDeterministic(options);
        assertThat(registry.traceHash()).isNotEqualTo(Simulation.run(options.withWorkload(Workload.KV)).traceHash());
    }

    private static SimulationResult assertDeterministic(SimulationOptions options) {
        SimulationResult first = Simulation.run(options);
        SimulationResult second = Simulation.run(options);
        assertThat(first.passed()).as(first.failure()).isTrue();
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.operations()).isEqualTo(first.operations());
        assertThat(second.timeline()).isEqualTo(first.timeline());
        assertThat(Simulation.run(options.withSeed(options.seed() + 1)).traceHash()).isNotEqualTo(first.traceHash());
        return first;
    }

    @Test
    void registryRunsCheckPersistentAndEphemeralInstancesOfEveryKind() {
        java.util.List<String> summaries = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            SimulationResult result = Simulation.run(SimulationOptions.defaults(seed).withWorkload(Workload.REGISTRY)
                    .withMembershipAndSnapshots());
            assertThat(result.passed()).as(result.failure()).isTrue();
            assertThat(result.operations()).as("persistent-instance operations").isGreaterThan(1000);
            assertThat(result.acknowledgedWrites()).isGreaterThan(500);
            summaries.addAll(result.timeline().stream().filter(line -> line.contains("registry: ")).toList());
        }
        assertThat(summaries).hasSize(6);
        assertThat(total(summaries, "(\\d+) services checked")).isGreaterThan(60);
        assertThat(total(summaries, "(\\d+) still beaten")).isGreaterThanOrEqualTo(6);
        assertThat(total(summaries, "(\\d+) no longer beaten")).isGreaterThan(6);
        assertThat(total(summaries, "\\((\\d+) deregistered\\)")).isPositive();
        assertThat(total(summaries, "(\\d+) acknowledged deregisters")).isGreaterThan(600);
        assertThat(total(summaries, "(\\d+) healthy again")).isPositive();
        assertThat(total(summaries, "(\\d+) expired")).isPositive();
    }

    private static long total(java.util.List<String> lines, String regex) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        long sum = 0;
        for (String line : lines) {
            java.util.regex.Matcher matcher = pattern.matcher(line);
            assertThat(matcher.find()).as("%s in %s", regex, line).isTrue();
            sum += Long.parseLong(matcher.group(1));
        }
        return sum;
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
        for (Workload workload : Workload.values()) {
            int failed = 0;
            for (long seed = 1; seed <= 5; seed++) {
                SimulationResult result = Simulation.runSabotaged(SimulationOptions.defaults(seed)
                        .withWorkload(workload).withMembershipAndSnapshots(), Sabotage.CORRUPT_SNAPSHOT);
                if (!result.passed()) {
                    assertThat(result.failure()).contains("snapshot");
                    failed++;
                }
            }
            assertThat(failed).as(workload.name()).isEqualTo(5);
        }
    }

    @Test
    void registryListsWithoutTheReadPathAreCaught() {
        for (long seed = 1; seed <= 3; seed++) {
            SimulationResult result = Simulation.runSabotaged(SimulationOptions.defaults(seed)
                    .withWorkload(Workload.REGISTRY), Sabotage.STALE_READS);
            assertThat(result.passed()).isFalse();
            assertThat(result.failure()).contains("persistent instance history is not-linearizable");
        }
    }

    @Test
    void aLeaderThatDoesNotRenewEveryLeaseIsCaught() {
        int failed = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SimulationResult result = Simulation.runSabotaged(SimulationOptions.defaults(seed)
                    .withWorkload(Workload.REGISTRY), Sabotage.NO_LEASE_RENEWAL);
            if (!result.passed()) {
                assertThat(result.failure()).contains("expired").contains("after a beat taken");
                failed++;
            }
        }
        assertThat(failed).isGreaterThanOrEqualTo(3);
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
        assertThat(SimulationOptions.defaults(9).withWorkload(Workload.REGISTRY).withMembershipAndSnapshots()
                .replayCommand()).isEqualTo(
                "bin/beacon-sim --seed 9 --nodes 3 --steps 20000 --workload registry --membership --snapshots");
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
