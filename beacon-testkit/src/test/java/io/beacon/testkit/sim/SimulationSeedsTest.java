package io.beacon.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many seeds of the simulator, as CI runs them, with membership changes and snapshots on top of every classic
 * fault: 3-node clusters with ReadIndex reads, 5-node clusters, and lease reads; plus the classic faults alone; and
 * the registry workload on 3- and 5-node clusters. {@code -Dbeacon.sim.seeds=N} sets the 3-node kv count (default
 * 500); the others run a fraction of it.
 */
class SimulationSeedsTest {
    private static final int SEEDS = Integer.getInteger("beacon.sim.seeds", 500);

    @Test
    void threeNodeClustersSurviveEveryFault() throws Exception {
        assertAllPass(SimulationOptions.defaults(1).withMembershipAndSnapshots(), SEEDS);
    }

    @Test
    void fiveNodeClustersSurviveEveryFault() throws Exception {
        assertAllPass(SimulationOptions.defaults(100_001).withNodes(5).withMembershipAndSnapshots(),
                Math.max(1, SEEDS / 5));
    }

    @Test
    void leaseReadsStayLinearizableWhileClocksAgree() throws Exception {
        assertAllPass(SimulationOptions.defaults(200_001).withLeaseTicks(8).withMembershipAndSnapshots(),
                Math.max(1, SEEDS / 5));
    }

    @Test
    void classicFaultsAloneWithTheDefaultSnapshotThresholds() throws Exception {
        assertAllPass(SimulationOptions.defaults(300_001), Math.max(1, SEEDS / 5));
    }

    @Test
    void theRegistryKeepsItsInstancesUnderEveryFault() throws Exception {
        assertAllPass(SimulationOptions.defaults(400_001).withWorkload(Workload.REGISTRY).withMembershipAndSnapshots(),
                Math.max(1, SEEDS / 6));
    }

    @Test
    void theRegistryKeepsItsInstancesOnFiveNodes() throws Exception {
        assertAllPass(SimulationOptions.defaults(500_001).withWorkload(Workload.REGISTRY).withNodes(5)
                .withMembershipAndSnapshots(), Math.max(1, SEEDS / 10));
    }

    private static void assertAllPass(SimulationOptions template, int seeds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<SimulationResult>> runs = new ArrayList<>();
            for (int i = 0; i < seeds; i++) {
                SimulationOptions options = template.withSeed(template.seed() + i);
                runs.add(pool.submit(() -> Simulation.run(options)));
            }
            List<String> failures = new ArrayList<>();
            for (Future<SimulationResult> run : runs) {
                SimulationResult result = run.get();
                if (!result.passed()) {
                    failures.add("seed " + result.options().seed() + ": " + result.failure() + "\n  replay: "
                            + result.options().replayCommand());
                }
            }
            System.out.println((seeds - failures.size()) + " passed, " + failures.size() + " failed");
            assertThat(failures).as("failed seeds").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
