// Owns: kill -9 of one node and its restart.
package io.beacon.testkit.nemesis;

import java.util.List;
import java.util.SplittableRandom;

/** kill -9 of a node (the leader half the time); the heal starts it again with the data it had. */
final class KillFault implements Fault {
    @Override
    public FaultType type() {
        return FaultType.KILL;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        Targets.Target target = Targets.leaderOrRandom(cluster, random);
        int node = target.node();
        long pid = cluster.pid(node).orElse(-1);
        cluster.kill(node);
        return new ActiveFault(type(), List.of(node), "kill -9 " + target.describe() + ", pid " + pid,
                Targets.majorityRemains(cluster.size(), 1), () -> {
            cluster.start(node);
            return "restarted " + ClusterProcesses.name(node) + " with its data, pid "
                    + cluster.pid(node).orElse(-1);
        });
    }
}
