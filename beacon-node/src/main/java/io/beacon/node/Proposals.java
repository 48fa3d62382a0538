package io.beacon.node;

import io.beacon.raft.Entry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Proposals waiting for their entry to be applied: the raft thread adds them when the core takes them (or, for one
 * forwarded to the leader, when the leader says where it put it), the apply thread answers them. A proposal is
 * answered by the entry applied at its index: with the state machine's result if that entry is the one proposed
 * (same term), or with {@link NotAppliedException} if a new leader put another entry there.
 */
final class Proposals {
    private record Pending(long term, CompletableFuture<Object> future) {
    }

    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    /** The highest index applied or covered by a snapshot: a proposal added at or below it is never answered. */
    private volatile long settledIndex;

    void add(long index, long term, CompletableFuture<Object> future) {
        Pending added = new Pending(term, future);
        Pending replaced = pending.put(index, added);
        if (replaced != null) {
            // This member's log dropped that entry when it took the new one: it can never be applied.
            replaced.future().completeExceptionally(new NotAppliedException(
                    "the entry at index " + index + " was replaced before it committed; the command was not applied"));
        }
        if (index <= settledIndex && pending.remove(index, added)) {
            // A forwarded proposal whose entry reached this member by another way before the leader's answer did.
            future.completeExceptionally(new OutcomeUnknownException("outcome unknown: the entry at index " + index
                    + " was applied here before the leader's answer arrived"));
        }
    }

    /** An entry was applied with this result. */
    void applied(Entry entry, Object result) {
        settledIndex = entry.index();
        Pending proposal = pending.remove(entry.index());
        if (proposal == null) {
            return;
        }
        if (proposal.term() == entry.term()) {
            proposal.future().complete(result);
        } else {
            proposal.future().completeExceptionally(new NotAppliedException("leadership changed: index "
                    + entry.index() + " holds an entry of term " + entry.term() + ", not the one proposed"));
        }
    }

    /** A snapshot replaced everything up to index: what was proposed there has an outcome this member cannot tell. */
    void coveredBySnapshot(long index) {
        settledIndex = index;
        Map<Long, Pending> covered = pending.headMap(index, true);
        covered.forEach((at, proposal) -> proposal.future().completeExceptionally(new OutcomeUnknownException(
                "outcome unknown: the entry at index " + at + " arrived inside a snapshot")));
        covered.clear();
    }

    void failAll(Throwable cause) {
        pending.values().forEach(proposal -> proposal.future().completeExceptionally(cause));
        pending.clear();
    }
}
