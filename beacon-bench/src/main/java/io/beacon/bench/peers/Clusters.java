package io.beacon.bench.peers;

import java.util.concurrent.TimeUnit;

/** Waiting on a {@link KvCluster}, the same way for every system. */
final class Clusters {
    private static final byte[] PROBE = new byte[64];

    private Clusters() {
    }

    /** Waits up to 60 s for a node to say it leads; its index. */
    static int awaitLeader(KvCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int leader = cluster.leader();
            if (leader >= 0) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(cluster.name() + ": no leader within 60 s");
    }

    /** Waits up to 60 s for a write through the leader to be acknowledged. */
    static void awaitWrite(KvCluster cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            int leader = cluster.leader();
            if (leader >= 0) {
                try (KvClient client = cluster.client(leader, 2000)) {
                    if (client.put("ready", PROBE)) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(cluster.name() + ": no write acknowledged within 60 s", last);
    }
}
