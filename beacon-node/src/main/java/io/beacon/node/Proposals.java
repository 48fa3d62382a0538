package io.beacon.node;

import io.beacon.raft.Entry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Proposals waiting for their entry to be applied: the raft thread adds them when the core takes them, the apply
 * thread answers them. A proposal is answered by the entry applied at its index: with the state machine's result
 * if that entry is the one proposed (same term), or with a failure if a new leader put another entry there.
 */
final class Proposals {
    private record Pending(long term, CompletableFuture<Object> future) {
    }

    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();

    void add(long index, long term, CompletableFuture<Object> future) {
        Pending replaced = pending.put(index, new Pending(term, future));
        if (replaced != null) {
            // This member's log dropped that entry when it took the new one: it can never be applied.
            replaced.future().completeExceptionally(new IllegalStateException(
                    "the entry at index " + index + " was replaced before it committed; its outcome is: not applied"));
        }
    }

    /** An entry was applied with this result. */
    void applied(Entry entry, Object result) {
        Pending proposal = pending.remove(entry.index());
        if (proposal == null) {
            return;
        }
        if (proposal.term() == entry.term()) {
            proposal.future().complete(result);
        } else {
            proposal.future().completeExceptionally(new IllegalStateException("leadership changed: index "
                    + entry.index() + " holds an entry of term " + entry.term() + ", not the one proposed"));
        }
    }

    /** A snapshot replaced everything up to index: what was proposed there has an outcome this member cannot tell. */
    void coveredBySnapshot(long index) {
        Map<Long, Pending> covered = pending.headMap(index, true);
        covered.forEach((at, proposal) -> proposal.future().completeExceptionally(new IllegalStateException(
                "outcome unknown: the entry at index " + at + " arrived inside a snapshot")));
        covered.clear();
    }

    void failAll(Throwable cause) {
        pending.values().forEach(proposal -> proposal.future().completeExceptionally(cause));
        pending.clear();
    }
}
