package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVoteResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static io.beacon.raft.TestCluster.FIRST_NOOP;

/**
 * Helpers for tests that drive one {@link RaftNode} by hand: the test plays every other node, so it controls
 * exactly which message arrives when. Node 1 is the node under test unless said otherwise.
 */
final class Nodes {
    private Nodes() {
    }

    static List<Long> voters(int size) {
        List<Long> voters = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        return voters;
    }

    /** Ticks the node until the condition holds; fails rather than spin if it does not within 1000 ticks. */
    static int tickUntil(RaftNode node, BooleanSupplier condition) {
        for (int ticks = 0; ticks <= 1000; ticks++) {
            if (condition.getAsBoolean()) {
                return ticks;
            }
            node.tick();
        }
        throw new AssertionError("condition not reached within 1000 ticks: " + node.status());
    }

    /** Takes the node's Ready and acknowledges it as durable at once; returns it. */
    static Ready persist(RaftNode node) {
        Ready ready = node.ready();
        node.advance(ready);
        return ready;
    }

    /** Every message of the node's next Ready (which is made durable), both before and after persistence. */
    static List<Message> sent(RaftNode node) {
        Ready ready = persist(node);
        List<Message> all = new ArrayList<>(ready.messages());
        all.addAll(ready.messagesAfterPersist());
        return all;
    }

    static <T extends Message> List<T> sentOf(RaftNode node, Class<T> type) {
        return only(sent(node), type);
    }

    static <T extends Message> List<T> only(List<Message> messages, Class<T> type) {
        List<T> result = new ArrayList<>();
        for (Message message : messages) {
            if (type.isInstance(message)) {
                result.add(type.cast(message));
            }
        }
        return result;
    }

    /**
     * Node 1 bootstrapped and ticked into a candidate of {@link TestCluster#FIRST_TERM} (no pre-vote), its vote
     * requests already durable and sent.
     */
    static RaftNode candidate(int size, UnaryOperator<RaftConfig> configure) {
        RaftNode node = RaftNode.fresh(configure.apply(RaftConfig.defaults(1, voters(size)).withPreVote(false)));
        tickUntil(node, () -> node.role() == Role.CANDIDATE);
        persist(node);
        return node;
    }

    /**
     * Node 1 elected leader of {@link TestCluster#FIRST_TERM} by votes from nodes 2.. up to a quorum. Its no-op
     * ({@link TestCluster#FIRST_NOOP}, after the bootstrap entry) is durable and the probes carrying it were sent;
     * nobody has answered them yet.
     */
    static RaftNode leader(int size, UnaryOperator<RaftConfig> configure) {
        RaftNode node = candidate(size, configure);
        for (long voter = 2; voter <= size && node.role() != Role.LEADER; voter++) {
            node.step(new RequestVoteResponse(node.term(), voter, 1, false, true));
        }
        if (node.role() != Role.LEADER) {
            throw new AssertionError("node 1 did not win with every vote: " + node.status());
        }
        persist(node);
        return node;
    }

    static RaftNode leader(int size) {
        return leader(size, UnaryOperator.identity());
    }

    /** A follower acknowledges the leader's log up to index. */
    static void accept(RaftNode leader, long from, long index) {
        leader.step(AppendEntriesResponse.accepted(leader.term(), from, leader.id(), index));
    }

    /** Every follower of a fresh {@link #leader} accepts its no-op, which commits. */
    static void acceptNoop(RaftNode leader, int size) {
        for (long voter = 2; voter <= size; voter++) {
            accept(leader, voter, FIRST_NOOP);
        }
        persist(leader);
    }

    static void echo(RaftNode leader, long from, long round) {
        leader.step(new HeartbeatResponse(leader.term(), from, leader.id(), round));
    }

    /** The AppendEntries among these messages addressed to one node. */
    static List<AppendEntries> appendsTo(List<Message> messages, long to) {
        List<AppendEntries> result = new ArrayList<>();
        for (AppendEntries append : only(messages, AppendEntries.class)) {
            if (append.to() == to) {
                result.add(append);
            }
        }
        return result;
    }
}
