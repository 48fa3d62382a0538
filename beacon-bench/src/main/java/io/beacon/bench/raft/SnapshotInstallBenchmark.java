package io.beacon.bench.raft;

import io.beacon.raft.MembershipChange;
import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftNode;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What it measures: the time a new member takes to catch up by InstallSnapshot from a leader whose state is
 * {@code entries} small key-value pairs (1,000,000 by default), all in memory, on one thread. Once per trial (not
 * measured) a 3-node {@link SnapshottingCluster} elects node 1 and commits {@code entries} puts of distinct 16-byte
 * keys with 16-byte values; every node takes a snapshot each {@code snapshotEntries} applied entries and compacts
 * its log to {@code logTailEntries} below it, so the leader no longer holds the log from its start. The measured
 * operation starts a fresh node (id 4, then 5, ...), adds it as a learner and runs the cluster until the new node
 * has applied everything the leader committed: the leader's probe finds it empty, the leader asks for its latest
 * snapshot in {@code chunkBytes} chunks (each copied out of the snapshot kept, as a file read would), the new
 * node keeps them, restores its state machine from the whole snapshot, then takes the entries after the snapshot
 * (up to snapshotEntries + a batch of them) from the leader's log. Before it returns, the new node's state must
 * match the leader's in size and content digest; after the iteration (not measured) the two maps are compared pair
 * by pair, the node must have installed exactly one snapshot, and it is removed from the configuration again.
 * Score: milliseconds per install (SingleShotTime; with several iterations JMH prints percentiles). Each iteration
 * also prints the snapshot's size, the chunks sent and the part of the time spent in the new node's
 * {@link KeyValueStateMachine#restoreSnapshot}.
 *
 * <p>Why a new member rather than a reconnected follower: a follower that rejoins after the leader compacted
 * past it takes the same path (probe, rejection, snapshot), but a follower cannot be put back behind a leader that
 * already knows it caught up, so each iteration would have to rebuild the million entries (~20 s on a 2-core
 * machine, most of it the 97 snapshots of a growing state each node takes on the way). A new member per iteration
 * reuses the leader.
 *
 * <p>What it must never do: measure the building of the leader's state; let the new node catch up from the log
 * instead of a snapshot; return before its state is verified; touch a disk, socket or another thread. Serialization
 * of messages is not included (the core hands chunk arrays across as they are); the copies a runtime makes (a
 * chunk read out of the kept snapshot, chunk arrays kept by the receiver, the restore's decoding) are.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
// jvmArgs, not jvmArgsAppend: see InMemoryClusterBenchmark. 4 maps of 1M pairs and their snapshots take ~0.6 GB.
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class SnapshotInstallBenchmark {
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);
    private static final long LEADER = 1;
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 16;
    private static final int BATCH = 1024;

    /** Pairs in the leader's state machine, one put each. */
    @Param({"1000000"})
    public int entries;

    /** RaftConfig.snapshotChunkBytes: the default 1 MiB, and 64 KiB. */
    @Param({"1048576", "65536"})
    public int chunkBytes;

    /** RaftConfig.snapshotEntries; the default 10,000. */
    @Param({"10000"})
    public long snapshotEntries;

    /** RaftConfig.logTailEntries; the default 1,000. */
    @Param({"1000"})
    public long logTailEntries;

    private SnapshottingCluster cluster;
    private RaftNode leader;
    /** The member the current iteration adds. */
    private long joiner = VOTERS.size();

    private RaftConfig config(long id, List<Long> voters) {
        return RaftConfig.defaults(id, voters).withSnapshots(snapshotEntries, 64L << 20, logTailEntries, chunkBytes);
    }

    @Setup(Level.Trial)
    public void buildLeaderState() {
        long started = System.nanoTime();
        List<RaftConfig> configs = new ArrayList<>();
        for (long id : VOTERS) {
            configs.add(config(id, VOTERS));
        }
        cluster = new SnapshottingCluster(configs);
        leader = cluster.elect(LEADER);
        for (int done = 0; done < entries; ) {
            int n = Math.min(BATCH, entries - done);
            for (int i = 0; i < n; i++, done++) {
                leader.propose(KeyValueStateMachine.put(key(done), value(done)));
            }
            cluster.drive();
        }
        SnapshottingCluster.Member leading = cluster.member(LEADER);
        for (SnapshottingCluster.Member member : cluster.members()) {
            if (member.machine.appliedIndex() != leader.lastIndex() || member.machine.size() != entries) {
                throw new IllegalStateException("node " + member.id + " did not apply every put: "
                        + member.node.status());
            }
        }
        if (leader.firstIndex() <= 1) {
            throw new IllegalStateException("the leader did not compact its log: " + leader.status());
        }
        System.out.printf("%nBuilt in %.1f s: %,d pairs applied up to index %,d on each node; the leader's snapshot"
                + " covers index %,d in %,d bytes (%,d snapshots taken), its log holds [%,d, %,d]%n",
                (System.nanoTime() - started) / 1e9, leading.machine.size(), leading.machine.appliedIndex(),
                leader.snapshot().index(), leading.snapshotSize(), leading.snapshotsTaken, leader.firstIndex(),
                leader.lastIndex());
    }

    /** Deterministic distinct keys spread over the key space, so that the map is not filled in key order. */
    private static byte[] key(long n) {
        byte[] key = new byte[KEY_BYTES];
        long mixed = mix(n);
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (mixed >>> (56 - 8 * i));
            key[8 + i] = (byte) (n >>> (56 - 8 * i));
        }
        return key;
    }

    private static byte[] value(long n) {
        byte[] value = new byte[VALUE_BYTES];
        long mixed = mix(~n);
        for (int i = 0; i < VALUE_BYTES; i++) {
            value[i] = (byte) (mixed >>> (8 * (i % 8)));
        }
        return value;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return z ^ (z >>> 33);
    }

    @Setup(Level.Iteration)
    public void collect() {
        joiner++;
        // Garbage of the build and of the previous iteration is collected now, not while measuring.
        System.gc();
    }

    /** Adds a fresh node as a learner and runs the cluster until it has applied the leader's commit index. */
    @Benchmark
    public long install() {
        SnapshottingCluster.Member joining = cluster.add(config(joiner, List.of()));
        leader.changeMembership(new MembershipChange.AddLearner(joiner));
        cluster.drive();
        KeyValueStateMachine state = joining.machine;
        KeyValueStateMachine leaderState = cluster.member(LEADER).machine;
        if (state.appliedIndex() != leader.commitIndex() || leader.commitIndex() != leader.lastIndex()) {
            throw new IllegalStateException("node " + joiner + " did not catch up: " + joining.node.status()
                    + " / " + leader.status());
        }
        if (state.size() != leaderState.size() || state.digest() != leaderState.digest()) {
            throw new IllegalStateException("node " + joiner + " differs from the leader after the install: "
                    + state.size() + " pairs, digest " + state.digest() + " / " + leaderState.size()
                    + " pairs, digest " + leaderState.digest());
        }
        return state.appliedIndex();
    }

    @TearDown(Level.Iteration)
    public void verifyAndRemove() {
        SnapshottingCluster.Member joined = cluster.member(joiner);
        SnapshottingCluster.Member leading = cluster.member(LEADER);
        if (joined.snapshotsInstalled != 1) {
            throw new IllegalStateException("node " + joiner + " installed " + joined.snapshotsInstalled
                    + " snapshots, not 1");
        }
        if (!joined.machine.sameContent(leading.machine)) {
            throw new IllegalStateException("node " + joiner + "'s pairs differ from the leader's");
        }
        System.out.printf("  [node %d: snapshot at %,d, %,d bytes in %d chunks, restore %.1f ms]",
                joiner, joined.node.snapshot().index(), joined.snapshotSize(), joined.chunksReceived,
                joined.restoreNanos / 1e6);
        leader.changeMembership(new MembershipChange.RemoveMember(joiner));
        cluster.drive();
        if (leader.configuration().isMember(joiner) || leader.commitIndex() != leader.lastIndex()) {
            throw new IllegalStateException("node " + joiner + " was not removed: " + leader.status());
        }
        cluster.remove(joiner);
    }
}
