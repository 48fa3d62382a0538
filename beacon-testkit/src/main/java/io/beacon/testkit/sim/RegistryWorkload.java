package io.beacon.testkit.sim;

import io.beacon.registry.NamingRegistry;
import io.beacon.registry.lease.LeaseProposal.Transition;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceSummary;
import io.beacon.testkit.lin.CheckResult;
import io.beacon.testkit.lin.Verdict;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The registry workload (project issue 6): every node runs beacon-registry's naming state machine and its leases
 * ({@link RegistryApplication}); clients work with persistent and ephemeral instances ({@link RegistryClients}).
 * At the end of a run, once every member converged to the same registry (equal snapshot bytes): the persistent
 * instances' history must be linearizable as a set per service, ephemeral instances must be present and healthy
 * while beaten and gone once no longer beaten ({@link EphemeralLivesCheck}), and no acknowledged deregister may be
 * undone ({@link InstanceObservations}). Throughout the run, no lease expiry may follow a beat too soon
 * ({@link LeaseObservations}).
 */
final class RegistryWorkload implements SimWorkload {
    private final RegistryClients clients;
    private final LeaseObservations leases;

    RegistryWorkload(SplittableRandom random, int persistentClients, java.util.function.LongSupplier virtualNow) {
        this.clients = new RegistryClients(random, persistentClients);
        this.leases = new LeaseObservations(virtualNow, EphemeralClient.IP_DELETE_TIMEOUT_MILLIS);
    }

    @Override
    public SimApplication newApplication() {
        return new RegistryApplication(leases);
    }

    @Override
    public ClientWorkload clients() {
        return clients;
    }

    @Override
    public int operations() {
        return clients.history().operations().size();
    }

    /**
     * Long enough for every instance no longer beaten to expire on a leader that was stable all along: the ip delete
     * timeout, two lease ticks, a second for the commit, and how far the clocks drifted apart during the faults (a
     * registration stamped by a fast clock starts its lease in a slower leader's future).
     */
    @Override
    public long settleMicros(long clockSpreadMillis) {
        return (EphemeralClient.IP_DELETE_TIMEOUT_MILLIS + 2 * SimLeaseKeeper.TICK_MILLIS + 1_000 + clockSpreadMillis)
                * 1_000;
    }

    @Override
    public String verify(SimApplication converged, long now) {
        CheckResult check = clients.history().check(CHECK_STEPS_PER_PARTITION);
        if (check.verdict() != Verdict.LINEARIZABLE) {
            throw new SimulationFailure("persistent instance history is " + check.verdict().label() + ": "
                    + check.explanation());
        }
        Map<InstanceKey, Instance> finalState = instances(((RegistryApplication) converged).registry());
        EphemeralLivesCheck ephemeral = new EphemeralLivesCheck();
        ephemeral.check(clients.ephemeralClients(), finalState);
        clients.observations().checkNeverComesBack(finalState.keySet());
        return "registry: " + check.perPartition().size() + " services checked, " + ephemeral.summary()
                + " ephemeral instances, " + clients.observations().acknowledgedDeregisters()
                + " acknowledged deregisters, lease transitions " + leases.committed(Transition.UNHEALTHY) + " unhealthy, "
                + leases.committed(Transition.HEALTHY) + " healthy again, " + leases.committed(Transition.REMOVE)
                + " expired, " + finalState.size() + " instances at the end (a snapshot of "
                + converged.snapshot().length + " bytes)";
    }

    private static Map<InstanceKey, Instance> instances(NamingRegistry registry) {
        TreeMap<InstanceKey, Instance> all = new TreeMap<>();
        for (ServiceSummary service : registry.catalogServices(NamingDefaults.NAMESPACE, "", "", 1,
                Integer.MAX_VALUE).items()) {
            for (Instance instance : registry.instances(service.key()).orElse(List.of())) {
                all.put(instance.key(), instance);
            }
        }
        return all;
    }
}
