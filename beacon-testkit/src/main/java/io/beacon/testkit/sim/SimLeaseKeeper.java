package io.beacon.testkit.sim;

import io.beacon.registry.NamingRegistry;
import io.beacon.registry.lease.BeatResult;
import io.beacon.registry.lease.EphemeralLeases;
import io.beacon.registry.lease.LeaseProposal;
import io.beacon.registry.model.InstanceKey;

import java.util.List;

/**
 * The leases of ephemeral instances on one simulated node, kept as beacon-server's {@code NamingService} keeps them,
 * but on the node's one thread and its simulated clock: an {@link EphemeralLeases} listening to the node's registry;
 * every {@link #TICK_MILLIS} of the node's clock, a member that has just become leader renews every lease, and the
 * leader proposes the transitions that fell due; a beat on the leader renews its lease (and proposes "healthy again"
 * when it ends an unhealthy spell). Unlike the server, a follower does not take beats: it redirects them to the
 * leader, where the simulated clients send them. Beats taken and transitions proposed go to the
 * {@link LeaseObservations}.
 */
final class SimLeaseKeeper {
    /** As NamingService's lease tick. */
    static final long TICK_MILLIS = 500;

    private final EphemeralLeases leases = new EphemeralLeases();
    private final LeaseObservations observations;
    private boolean leading;
    /** Virtual time at which this node last started leading, as its lease ticks saw it. */
    private long leadingSince;
    private long nextTickMillis = Long.MIN_VALUE;

    SimLeaseKeeper(NamingRegistry registry, LeaseObservations observations) {
        this.observations = observations;
        registry.addListener(leases);
        leases.restored(registry.ephemeralInstances());
    }

    /** Called on every tick of the node; acts once per lease tick of the node's clock. */
    void tick(SimApplication.Host host) {
        long now = host.clockMillis();
        if (now < nextTickMillis) {
            return;
        }
        nextTickMillis = now + TICK_MILLIS;
        boolean leaderNow = host.leading();
        if (leaderNow && !leading) {
            leadingSince = observations.now();
            if (host.sabotage() != Sabotage.NO_LEASE_RENEWAL) {
                leases.renewAll(now);
            }
        }
        leading = leaderNow;
        if (leading) {
            for (LeaseProposal proposal : leases.due(now)) {
                long operationId = host.propose(proposal.command());
                if (operationId != 0) {
                    observations.transitionProposed(operationId, proposal.transition(), proposal.instances(),
                            host.term(), leadingSince);
                }
            }
        }
    }

    ClientResponse beat(InstanceKey key, SimApplication.Host host) {
        if (!host.leading()) {
            return new ClientResponse.Redirect(host.leaderId());
        }
        BeatResult result = leases.beat(key, host.clockMillis());
        if (result.known()) {
            observations.beatTaken(key, host.term());
        }
        result.healthyAgain().ifPresent(command -> {
            long operationId = host.propose(command);
            if (operationId != 0) {
                observations.transitionProposed(operationId, LeaseProposal.Transition.HEALTHY, List.of(key),
                        host.term(), leadingSince);
            }
        });
        return new ClientResponse.Beat(result.known());
    }
}
