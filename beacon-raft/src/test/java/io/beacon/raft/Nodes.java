package io.beacon.raft;

import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.RequestVoteResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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

    /** Node 1 ticked into a candidate of term 1 (no pre-vote), its vote requests already durable and sent. */
    static RaftNode candidate(int size, UnaryOperator<RaftConfig> configure) {
        RaftNode node = RaftNode.fresh(configure.apply(RaftConfig.defaults(1, voters(size)).withPreVote(false)));
        while (node.role() != Role.CANDIDATE) {
            node.tick();
        }
        persist(node);
        return node;
    }

    /**
     * Node 1 elected leader of term 1 by votes from nodes 2.. up to a quorum. Its no-op (index 1) is durable and
     * the probes carrying it were sent; nobody has answered them yet.
     */
    static RaftNode leader(int size, UnaryOperator<RaftConfig> configure) {
        RaftNode node = candidate(size, configure);
        for (long voter = 2; node.role() != Role.LEADER; voter++) {
            node.step(new RequestVoteResponse(node.term(), voter, 1, false, true));
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
            accept(leader, voter, 1);
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
