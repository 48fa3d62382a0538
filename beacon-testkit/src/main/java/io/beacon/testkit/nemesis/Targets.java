// Owns: choosing which node a fault hits. Reads the cluster's state; changes nothing.
package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/** A fault's target: a random running node, or the leader (half the time, when a fault offers both). */
final class Targets {
    /** A chosen node, and whether it was chosen as the leader (for the event's detail). */
    record Target(int node, boolean leader) {
        String describe() {
            return ClusterProcesses.name(node) + (leader ? " (the leader)" : "");
        }
    }

    private Targets() {
    }

    /** Half the time the leader (if one is known), otherwise a random running node. */
    static Target leaderOrRandom(ClusterProcesses cluster, SplittableRandom random) {
        boolean wantLeader = random.nextBoolean();
        int fallback = randomLive(cluster, random);
        if (wantLeader) {
            OptionalInt leader = cluster.leader();
            if (leader.isPresent()) {
                return new Target(leader.getAsInt(), true);
            }
        }
        return new Target(fallback, false);
    }

    /** A random node that runs and is not paused. */
    static int randomLive(ClusterProcesses cluster, SplittableRandom random) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (cluster.isLive(i)) {
                live.add(i);
            }
        }
        if (live.isEmpty()) {
            throw new IllegalStateException("no node is running to inject a fault into");
        }
        return live.get(random.nextInt(live.size()));
    }

    /** Whether losing this many of n nodes leaves a majority. */
    static boolean majorityRemains(int n, int lost) {
        return n - lost > n / 2;
    }
}
