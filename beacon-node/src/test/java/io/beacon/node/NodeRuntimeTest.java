package io.beacon.node;

import io.beacon.raft.RaftConfig;
import io.beacon.raft.RaftStatus;
import io.beacon.raft.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three members in this JVM, each with its own disk and TCP transport on loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeRuntimeTest {
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);

    @TempDir
    Path root;

    private final Map<Long, NodeRuntime> members = new TreeMap<>();
    private final Map<Long, RecordingMachine> machines = new TreeMap<>();

    private NodeRuntime open(long id) throws Exception {
        RaftConfig raft = RaftConfig.defaults(id, VOTERS).withSnapshots(40, 64L << 20, 10, 4096);
        NodeOptions options = NodeOptions.of(root.resolve("member-" + id), () -> id, VOTERS, "test-cluster",
                "a cluster secret for the tests", new InetSocketAddress("127.0.0.1", 0)).withRaft(raft);
        RecordingMachine machine = new RecordingMachine();
        NodeRuntime member = NodeRuntime.open(options, machine);
        members.put(id, member);
        machines.put(id, machine);
        return member;
    }

    private void connectAll() {
        for (NodeRuntime member : members.values()) {
            for (NodeRuntime other : members.values()) {
                if (other != member) {
                    member.addPeer(other.memberId(), other.peerAddress());
                }
            }
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (NodeRuntime member : members.values()) {
            member.close();
        }
    }

    private long awaitLeader() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (NodeRuntime member : members.values()) {
                RaftStatus status = member.status().get(5, TimeUnit.SECONDS);
                if (status.role() == Role.LEADER) {
                    return member.memberId();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader within 30 s");
    }

    private static byte[] command(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void awaitCommands(long member, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (machines.get(member).commands().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(machines.get(member).commands()).as("member %d applied", member).hasSize(count);
    }

    @Test
    void aClusterElectsReplicatesSurvivesItsLeaderAndCatchesTheLeaderUp() throws Exception {
        for (long id : VOTERS) {
            open(id);
        }
        connectAll();
        members.values().forEach(NodeRuntime::start);

        long leader = awaitLeader();
        List<CompletableFuture<Object>> written = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            written.add(members.get(leader).propose(command("write " + i)));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(written.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
        }
        long follower = VOTERS.stream().filter(id -> id != leader).findFirst().orElseThrow();
        long readIndex = members.get(follower).linearizableRead().get(10, TimeUnit.SECONDS);
        assertThat(readIndex).isGreaterThanOrEqualTo(200);
        assertThat(machines.get(follower).commands()).as("a linearizable read on a follower sees every write")
                .hasSize(200);
        assertThat(members.get(follower).propose(command("write 200")).get(10, TimeUnit.SECONDS))
                .as("a write through a follower travels to the leader and is answered once applied here")
                .isEqualTo(201);

        java.util.concurrent.BlockingQueue<String> notes = new java.util.concurrent.LinkedBlockingQueue<>();
        members.get(leader).onNote((from, body) -> notes.add(from + ":" + new String(body, StandardCharsets.UTF_8)));
        assertThat(members.get(follower).knownLeader()).isEqualTo(leader);
        assertThat(members.get(follower).sendNote(leader, command("beats"))).isTrue();
        assertThat(notes.poll(10, TimeUnit.SECONDS)).as("a note reaches the other member's application")
                .isEqualTo(follower + ":beats");

        members.remove(leader).close();
        long newLeader = awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        long survivor = VOTERS.stream().filter(id -> id != leader && id != newLeader).findFirst().orElseThrow();
        for (int i = 201; i < 250; i++) {
            long through = i % 2 == 0 ? newLeader : survivor;
            assertThat(proposeRetryingWhileNoLeaderIsKnown(members.get(through), command("write " + i)))
                    .as("write %d through member %d", i, through).isEqualTo(i + 1);
        }

        NodeRuntime restarted = open(leader);
        assertThat(restarted.memberId()).as("the same incarnation, from its disk").isEqualTo(leader);
        connectAll();
        restarted.start();
        for (long id : VOTERS) {
            awaitCommands(id, 250);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            expected.add("write " + i);
        }
        for (long id : VOTERS) {
            assertThat(machines.get(id).commands()).as("member %d", id).isEqualTo(expected);
        }
    }

    /** A follower may not know the new leader yet right after a failover: clients retry, as here. */
    private static Object proposeRetryingWhileNoLeaderIsKnown(NodeRuntime member, byte[] command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return member.propose(command).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof NotLeaderException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aMemberThatKnowsNoLeaderRefusesAWrite() throws Exception {
        NodeRuntime alone = open(1);
        alone.start();
        assertThatThrownBy(() -> alone.propose(command("x")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("no leader is known");
    }

    @Test
    void aMemberBehindTheCompactedLogCatchesUpByInstallSnapshot() throws Exception {
        for (long id : VOTERS) {
            open(id);
        }
        connectAll();
        members.values().forEach(NodeRuntime::start);
        long leader = awaitLeader();
        long lagging = VOTERS.stream().filter(id -> id != leader).findFirst().orElseThrow();
        members.remove(lagging).close();

        List<CompletableFuture<Object>> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            written.add(members.get(leader).propose(command("write " + i)));
        }
        for (CompletableFuture<Object> write : written) {
            write.get(10, TimeUnit.SECONDS);
        }
        // Snapshots are taken after the writes were answered, and written beside the apply thread: wait for one
        // past 100.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        RaftStatus leaderStatus = members.get(leader).status().get(5, TimeUnit.SECONDS);
        while (leaderStatus.snapshotIndex() <= 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            leaderStatus = members.get(leader).status().get(5, TimeUnit.SECONDS);
        }
        assertThat(leaderStatus.snapshotIndex()).as("the leader compacted its log").isGreaterThan(100);
        assertThat(leaderStatus.firstIndex()).isGreaterThan(100);

        NodeRuntime back = open(lagging);
        connectAll();
        back.start();
        awaitCommands(lagging, 300);
        // The status catches up with the install once the runtime has advanced past it.
        RaftStatus status = back.status().get(5, TimeUnit.SECONDS);
        long statusDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status.snapshotIndex() <= 100 && System.nanoTime() < statusDeadline) {
            Thread.sleep(10);
            status = back.status().get(5, TimeUnit.SECONDS);
        }
        assertThat(status.snapshotIndex()).as("it caught up from a snapshot, not from entry 1").isGreaterThan(100);
        assertThat(machines.get(lagging).commands()).isEqualTo(machines.get(leader).commands());
    }
}
