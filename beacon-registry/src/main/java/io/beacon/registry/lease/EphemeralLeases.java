package io.beacon.registry.lease;

import io.beacon.registry.ApplyResult;
import io.beacon.registry.InstanceChange;
import io.beacon.registry.RegistryListener;
import io.beacon.registry.command.Commands;
import io.beacon.registry.lease.LeaseProposal.Transition;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The leases of ephemeral instances, kept in memory by every member and used by the leader: beats renew them, and
 * the leader proposes a command only on a transition (unhealthy after the heart beat timeout without a beat, removed
 * after the ip delete timeout, healthy again on a beat). Time comes in as arguments; this class reads no clock.
 *
 * <p><b>Staying in step with the registry.</b> It is a {@link RegistryListener}: register it with
 * {@link io.beacon.registry.NamingRegistry#addListener} and every applied registration (new or repeated, which
 * also counts as a beat), update, health change and removal reaches it in log order; a snapshot restore replaces
 * the set of leases with the snapshot's ephemeral instances. A new lease starts at the later of the command's stamp
 * and the latest time this class was given; a lease restored from a snapshot starts at the next time it is given.
 *
 * <p><b>No duplicate transitions.</b> A proposed transition stays pending until the registry applies it (seen
 * through the listener) or {@code pendingRetryMillis} pass without that, so a lost proposal is retried but one in
 * flight is never proposed twice. {@link #renewAll} (on becoming leader) gives every lease a fresh start and
 * forgets pending transitions, so a failover never expires healthy instances.
 *
 * <p>Marked instances are exempt: they never go unhealthy or expire. Thread-safe: every method is synchronized.
 */
public final class EphemeralLeases implements RegistryListener {
    public static final long DEFAULT_PENDING_RETRY_MILLIS = 5_000;
    /** Removals are proposed in batches of at most this many instances per command. */
    public static final int MAX_REMOVALS_PER_COMMAND = 500;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long pendingRetryMillis;
    private final TreeMap<InstanceKey, Lease> leases = new TreeMap<>();
    private long latestNowMillis = UNKNOWN;

    /** One instance's lease. */
    private static final class Lease {
        long lastBeatMillis = UNKNOWN;
        boolean healthy;
        boolean marked;
        LeaseTimeouts timeouts = LeaseTimeouts.DEFAULTS;
        Transition pending;
        long pendingSinceMillis;

        boolean pending(Transition transition, long nowMillis, long retryMillis) {
            return pending == transition && nowMillis - pendingSinceMillis < retryMillis;
        }

        void propose(Transition transition, long nowMillis) {
            pending = transition;
            pendingSinceMillis = nowMillis;
        }
    }

    public EphemeralLeases() {
        this(DEFAULT_PENDING_RETRY_MILLIS);
    }

    public EphemeralLeases(long pendingRetryMillis) {
        if (pendingRetryMillis <= 0) {
            throw new IllegalArgumentException("pendingRetryMillis must be positive, was " + pendingRetryMillis);
        }
        this.pendingRetryMillis = pendingRetryMillis;
    }

    /**
     * Records a client beat. Unknown instance: {@link BeatResult#unknown()}. Otherwise the beat interval for the
     * reply and, if the instance is unhealthy (or going unhealthy) and no "healthy" is already in flight, the
     * command that makes it healthy again.
     */
    public synchronized BeatResult beat(InstanceKey key, long nowMillis) {
        advance(nowMillis);
        Lease lease = leases.get(key);
        if (lease == null) {
            return BeatResult.unknown();
        }
        lease.lastBeatMillis = Math.max(lease.lastBeatMillis, nowMillis);
        byte[] command = null;
        boolean goingUnhealthy = !lease.healthy || lease.pending(Transition.UNHEALTHY, nowMillis, pendingRetryMillis);
        if (!lease.marked && goingUnhealthy && !lease.pending(Transition.HEALTHY, nowMillis, pendingRetryMillis)) {
            command = Commands.setInstanceHealth(nowMillis, key, true);
            lease.propose(Transition.HEALTHY, nowMillis);
        }
        return new BeatResult(true, lease.timeouts.heartBeatIntervalMillis(), command);
    }

    /** The transitions due at {@code nowMillis}, in instance key order (unhealthy ones, then removal batches). */
    public synchronized List<LeaseProposal> due(long nowMillis) {
        advance(nowMillis);
        List<LeaseProposal> proposals = new ArrayList<>();
        List<InstanceKey> removals = new ArrayList<>();
        for (Map.Entry<InstanceKey, Lease> entry : leases.entrySet()) {
            Lease lease = entry.getValue();
            if (lease.lastBeatMillis == UNKNOWN) {
                lease.lastBeatMillis = nowMillis;
            }
            if (lease.marked) {
                continue;
            }
            long silenceMillis = nowMillis - lease.lastBeatMillis;
            if (silenceMillis > lease.timeouts.ipDeleteTimeoutMillis()) {
                if (!lease.pending(Transition.REMOVE, nowMillis, pendingRetryMillis)) {
                    removals.add(entry.getKey());
                    lease.propose(Transition.REMOVE, nowMillis);
                }
            } else if (silenceMillis > lease.timeouts.heartBeatTimeoutMillis() && lease.healthy
                    && !lease.pending(Transition.UNHEALTHY, nowMillis, pendingRetryMillis)) {
                proposals.add(new LeaseProposal(Transition.UNHEALTHY, List.of(entry.getKey()),
                        Commands.setInstanceHealth(nowMillis, entry.getKey(), false)));
                lease.propose(Transition.UNHEALTHY, nowMillis);
            }
        }
        for (int from = 0; from < removals.size(); from += MAX_REMOVALS_PER_COMMAND) {
            int to = Math.min(removals.size(), from + MAX_REMOVALS_PER_COMMAND);
            List<InstanceKey> batch = removals.subList(from, to);
            proposals.add(new LeaseProposal(Transition.REMOVE, batch, Commands.removeInstances(nowMillis, batch)));
        }
        return proposals;
    }

    /** Gives every lease a fresh start at {@code nowMillis} and forgets pending transitions (on becoming leader). */
    public synchronized void renewAll(long nowMillis) {
        advance(nowMillis);
        for (Lease lease : leases.values()) {
            lease.lastBeatMillis = nowMillis;
            lease.pending = null;
        }
    }

    @Override
    public synchronized void applied(ApplyResult.Applied result) {
        long startMillis = Math.max(result.stampMillis(), latestNowMillis);
        for (InstanceChange change : result.instanceChanges()) {
            Instance instance = change.instance();
            InstanceKey key = instance.key();
            switch (change.kind()) {
                case REGISTERED, UPDATED -> {
                    if (!instance.ephemeral()) {
                        leases.remove(key);
                        continue;
                    }
                    Lease lease = leases.computeIfAbsent(key, k -> new Lease());
                    lease.lastBeatMillis = Math.max(lease.lastBeatMillis, startMillis);
                    lease.marked = instance.marked();
                    lease.timeouts = LeaseTimeouts.of(instance.metadata());
                    settle(lease, instance.healthy());
                }
                case HEALTH -> {
                    Lease lease = leases.get(key);
                    if (lease != null) {
                        settle(lease, instance.healthy());
                    }
                }
                case REMOVED -> leases.remove(key);
            }
        }
    }

    @Override
    public synchronized void restored(List<Instance> ephemeralInstances) {
        TreeMap<InstanceKey, Lease> previous = new TreeMap<>(leases);
        leases.clear();
        for (Instance instance : ephemeralInstances) {
            Lease lease = previous.getOrDefault(instance.key(), new Lease());
            lease.pending = null;
            lease.marked = instance.marked();
            lease.healthy = instance.healthy();
            lease.timeouts = LeaseTimeouts.of(instance.metadata());
            leases.put(instance.key(), lease);
        }
    }

    public synchronized int size() {
        return leases.size();
    }

    /** When the instance last showed a sign of life, if it has a lease and that time is known. */
    public synchronized OptionalLong lastBeatMillis(InstanceKey key) {
        Lease lease = leases.get(key);
        return lease == null || lease.lastBeatMillis == UNKNOWN ? OptionalLong.empty()
                : OptionalLong.of(lease.lastBeatMillis);
    }

    /** Records the registry's health of an instance; a pending transition to that health has arrived. */
    private static void settle(Lease lease, boolean healthy) {
        lease.healthy = healthy;
        if (lease.pending == Transition.HEALTHY && healthy || lease.pending == Transition.UNHEALTHY && !healthy) {
            lease.pending = null;
        }
    }

    private void advance(long nowMillis) {
        latestNowMillis = Math.max(latestNowMillis, nowMillis);
    }
}
