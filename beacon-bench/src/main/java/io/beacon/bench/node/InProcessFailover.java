package io.beacon.bench.node;

import io.beacon.bench.Dirs;

import io.beacon.node.NodeOptions;
import io.beacon.node.NodeRuntime;
import io.beacon.raft.Entry;
import io.beacon.raft.RaftStatus;
import io.beacon.raft.Role;
import io.beacon.raft.StateMachine;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Failover of three members in one JVM, over TCP on loopback with real disks: a writer keeps proposing through
 * the leader; the leader is closed (its connections end, as a killed process's do); the time from the close to
 * the first write acknowledged by the new leader is one trial. Not the real-process figure (that kills a JVM
 * with SIGKILL), but the same protocol path: connection loss, pre-vote, election, first commit.
 * Usage: InProcessFailover [trials, default 20] [directory, default a temp directory]
 */
public final class InProcessFailover {
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);

    /** The cheapest state machine: counts. */
    private static final class Counter implements StateMachine {
        private volatile long applied;

        @Override
        public Object apply(Entry entry) {
            applied = entry.index();
            return null;
        }

        @Override
        public long appliedIndex() {
            return applied;
        }

        @Override
        public FrozenState freeze() {
            return out -> out.write(new byte[8]);
        }

        @Override
        public void restoreSnapshot(InputStream in, long index) throws java.io.IOException {
            in.readAllBytes();
            applied = index;
        }
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("beacon-failover");
        List<Double> millis = new ArrayList<>();
        try {
            for (int trial = 1; trial <= trials; trial++) {
                double ms = trial(base.resolve("trial-" + trial));
                millis.add(ms);
                System.out.printf("trial %2d: %.1f ms%n", trial, ms);
            }
        } finally {
            Dirs.delete(base);
        }
        millis.sort(null);
        System.out.printf("in-process failover, %d trials: p50 %.1f ms, p90 %.1f ms, max %.1f ms (load %s)%n",
                millis.size(), Dirs.percentile(millis, 50), Dirs.percentile(millis, 90), millis.get(millis.size() - 1),
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static double trial(Path directory) throws Exception {
        Map<Long, NodeRuntime> members = new TreeMap<>();
        try {
            for (long id : VOTERS) {
                NodeOptions options = NodeOptions.of(directory.resolve("m" + id), () -> id, VOTERS, "bench",
                        "a secret for the failover benchmark", new InetSocketAddress("127.0.0.1", 0));
                members.put(id, NodeRuntime.open(options, new Counter()));
            }
            for (NodeRuntime member : members.values()) {
                for (NodeRuntime other : members.values()) {
                    if (other != member) {
                        member.addPeer(other.memberId(), other.peerAddress());
                    }
                }
            }
            members.values().forEach(NodeRuntime::start);
            long leader = awaitLeader(members, -1);
            for (int i = 0; i < 100; i++) {
                members.get(leader).propose(new byte[64]).get(5, TimeUnit.SECONDS);
            }
            long killedAt = System.nanoTime();
            members.remove(leader).close();
            while (true) {
                for (NodeRuntime member : members.values()) {
                    try {
                        member.propose(new byte[64]).get(200, TimeUnit.MILLISECONDS);
                        return (System.nanoTime() - killedAt) / 1e6;
                    } catch (Exception notYet) {
                        // not the leader (yet): try the next member
                    }
                }
                if (System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("no write succeeded within 30 s of the leader's close");
                }
            }
        } finally {
            for (NodeRuntime member : members.values()) {
                member.close();
            }
        }
    }

    private static long awaitLeader(Map<Long, NodeRuntime> members, long excluded) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (NodeRuntime member : members.values()) {
                RaftStatus status = member.status().get(5, TimeUnit.SECONDS);
                if (status.role() == Role.LEADER && status.id() != excluded) {
                    return status.id();
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no leader within 30 s");
    }
}
