package io.beacon.testkit.sim;

import io.beacon.registry.model.InstanceKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the registry workload's clients saw of each instance, for the check that a deregistered instance never comes
 * back: every register and deregister with its call time, return time and outcome, and every list with the
 * instances it returned. Persistent and ephemeral instances alike (the set model covers only the persistent ones,
 * and never the final state).
 *
 * <p>The rule: once a deregister of an instance is acknowledged, a list invoked after that, or the final state, may
 * hold the instance only if some register of it may have taken effect after the deregister and before the list
 * returned — one not known to have failed, invoked before the list returned, and not returned before the deregister
 * was invoked (an unknown outcome never returns). Registers invoked after the acknowledgement qualify; so do
 * registers concurrent with the deregister, which linearizability lets take effect after it.
 */
final class InstanceObservations {
    private static final long NEVER = Long.MAX_VALUE;

    /** A register or deregister of one instance. */
    private static final class Change {
        final long operationId;
        final boolean register;
        final long calledAt;
        long returnedAt = NEVER;
        boolean acknowledged;
        boolean failed;

        Change(long operationId, boolean register, long calledAt) {
            this.operationId = operationId;
            this.register = register;
            this.calledAt = calledAt;
        }
    }

    /** A list that returned the instance: when it was called and when it returned. */
    private record Sighting(long calledAt, long returnedAt) {
    }

    /** Lookups only (never iterated). */
    private final Map<Long, Change> changesByOperation = new HashMap<>();
    private final Map<Long, Long> listCalls = new HashMap<>();
    private final TreeMap<InstanceKey, List<Change>> changes = new TreeMap<>();
    private final TreeMap<InstanceKey, List<Sighting>> sightings = new TreeMap<>();
    private int acknowledgedDeregisters;

    void registerInvoked(long operationId, InstanceKey key, long now) {
        changeInvoked(operationId, key, true, now);
    }

    void deregisterInvoked(long operationId, InstanceKey key, long now) {
        changeInvoked(operationId, key, false, now);
    }

    private void changeInvoked(long operationId, InstanceKey key, boolean register, long now) {
        Change change = new Change(operationId, register, now);
        changesByOperation.put(operationId, change);
        changes.computeIfAbsent(key, k -> new ArrayList<>()).add(change);
    }

    void listInvoked(long operationId, long now) {
        listCalls.put(operationId, now);
    }

    /** A register or deregister was acknowledged. */
    void acknowledged(long operationId, long now) {
        Change change = changesByOperation.get(operationId);
        change.acknowledged = true;
        change.returnedAt = now;
        if (!change.register) {
            acknowledgedDeregisters++;
        }
    }

    /** A register or deregister definitely had no effect. */
    void failed(long operationId, long now) {
        Change change = changesByOperation.get(operationId);
        if (change != null) {
            change.failed = true;
            change.returnedAt = now;
        }
    }

    void listed(long operationId, Collection<InstanceKey> instances, long now) {
        long calledAt = listCalls.remove(operationId);
        for (InstanceKey key : instances) {
            sightings.computeIfAbsent(key, k -> new ArrayList<>()).add(new Sighting(calledAt, now));
        }
    }

    int acknowledgedDeregisters() {
        return acknowledgedDeregisters;
    }

    /** Throws if an acknowledged deregister was undone by nothing that could have undone it. */
    void checkNeverComesBack(Set<InstanceKey> finalState) {
        for (Map.Entry<InstanceKey, List<Change>> instance : changes.entrySet()) {
            InstanceKey key = instance.getKey();
            for (Change deregister : instance.getValue()) {
                if (deregister.register || !deregister.acknowledged) {
                    continue;
                }
                for (Sighting sighting : sightings.getOrDefault(key, List.of())) {
                    if (sighting.calledAt() > deregister.returnedAt
                            && !reRegistered(instance.getValue(), deregister, sighting.returnedAt())) {
                        throw new SimulationFailure(String.format("instance %s came back: its deregister (operation "
                                        + "%d, %.6fs-%.6fs) was acknowledged, yet a list called at %.6fs returned it "
                                        + "and no register could have taken effect after the deregister", key,
                                deregister.operationId, deregister.calledAt / 1e6, deregister.returnedAt / 1e6,
                                sighting.calledAt() / 1e6));
                    }
                }
                if (finalState.contains(key) && !reRegistered(instance.getValue(), deregister, NEVER)) {
                    throw new SimulationFailure(String.format("instance %s came back: its deregister (operation %d, "
                                    + "%.6fs-%.6fs) was acknowledged, yet it is in the final state and no register "
                                    + "could have taken effect after the deregister", key, deregister.operationId,
                            deregister.calledAt / 1e6, deregister.returnedAt / 1e6));
                }
            }
        }
    }

    private static boolean reRegistered(List<Change> changes, Change deregister, long seenBy) {
        for (Change change : changes) {
            if (change.register && !change.failed && change.calledAt < seenBy
                    && change.returnedAt > deregister.calledAt) {
                return true;
            }
        }
        return false;
    }
}
