package io.beacon.testkit.sim;

import io.beacon.registry.lease.LeaseProposal.Transition;
import io.beacon.registry.model.InstanceKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Checks that a failover never expires a beaten instance (DESIGN.md: "a new leader gives every ephemeral instance a
 * fresh lease"), as the lease expiries commit. It records every beat a leader took, with the leader's term, and every
 * lease transition a leader proposed, with when that leader last started leading (and so renewed every lease); it
 * counts the transitions that commit. An expiry that commits is wrong if the proposing leader must have counted a
 * beat of the instance less than the ip delete timeout before, at the fastest rate a simulated clock runs: a beat it
 * took itself, or one an earlier leader took before this one started leading. (A beat taken by a deposed leader after
 * a newer one started leading counts for nothing.)
 */
final class LeaseObservations {
    /** The nemesis's clock faults make a node's clock run at most twice as fast as virtual time. */
    private static final long FASTEST_CLOCK_RATE = 2;

    private record Beat(long at, long term) {
    }

    private record Proposal(Transition transition, List<InstanceKey> instances, long term, long proposedAt,
                            long leadingSince) {
    }

    private final LongSupplier now;
    private final long shortestExpiryMicros;
    private final TreeMap<InstanceKey, List<Beat>> beats = new TreeMap<>();
    /** Lookups only (never iterated). */
    private final Map<Long, Proposal> proposed = new HashMap<>();
    private final Set<Long> committed = new HashSet<>();
    private final int[] committedByTransition = new int[Transition.values().length];

    LeaseObservations(LongSupplier virtualNow, long ipDeleteTimeoutMillis) {
        this.now = virtualNow;
        this.shortestExpiryMicros = ipDeleteTimeoutMillis * 1000 / FASTEST_CLOCK_RATE;
    }

    long now() {
        return now.getAsLong();
    }

    /** A leader in this term took a beat of a known instance. */
    void beatTaken(InstanceKey key, long term) {
        beats.computeIfAbsent(key, k -> new ArrayList<>()).add(new Beat(now(), term));
    }

    /** A leader in this term, leading since then, proposed a lease transition of these instances as this operation. */
    void transitionProposed(long operationId, Transition transition, List<InstanceKey> instances, long term,
                            long leadingSince) {
        proposed.put(operationId, new Proposal(transition, List.copyOf(instances), term, now(), leadingSince));
    }

    /** How many proposals of this transition committed. */
    int committed(Transition transition) {
        return committedByTransition[transition.ordinal()];
    }

    /** An operation's command was applied; the first time for a lease transition, counts it and checks expiries. */
    void applied(long operationId) {
        Proposal expiry = proposed.get(operationId);
        if (expiry == null || !committed.add(operationId)) {
            return;
        }
        committedByTransition[expiry.transition().ordinal()]++;
        if (expiry.transition() != Transition.REMOVE) {
            return;
        }
        for (InstanceKey key : expiry.instances()) {
            for (Beat beat : beats.getOrDefault(key, List.of())) {
                boolean counted = beat.term() == expiry.term()
                        || beat.term() < expiry.term() && beat.at() < expiry.leadingSince();
                if (counted && beat.at() < expiry.proposedAt()
                        && expiry.proposedAt() - beat.at() < shortestExpiryMicros) {
                    throw new SimulationFailure(String.format("ephemeral instance %s expired %.3fs after a beat taken "
                                    + "at %.3fs in term %d: the leader of term %d (leading since %.3fs) proposed it at "
                                    + "%.3fs, before even a clock twice as fast could count the ip delete timeout",
                            key, (expiry.proposedAt() - beat.at()) / 1e6, beat.at() / 1e6, beat.term(),
                            expiry.term(), expiry.leadingSince() / 1e6, expiry.proposedAt() / 1e6));
                }
            }
        }
    }
}
