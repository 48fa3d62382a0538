package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.registry.ApplyResult;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The registry workload's application on one node: beacon-registry's {@link NamingRegistry} as the replicated state
 * machine (its commands built by {@link Commands}, stamped with the proposing node's clock, behind the simulator's
 * {@link OperationEnvelope}; its snapshots its own), lists served from it once the read path allows, and the leases
 * of ephemeral instances ({@link SimLeaseKeeper}), observed by the workload's {@link LeaseObservations}.
 */
final class RegistryApplication implements SimApplication {
    private final NamingRegistry registry = new NamingRegistry();
    private final RegistryStateHash hash = new RegistryStateHash(registry);
    private final LeaseObservations observations;
    private final SimLeaseKeeper leases;

    RegistryApplication(LeaseObservations observations) {
        this.observations = observations;
        this.leases = new SimLeaseKeeper(registry, observations);
    }

    NamingRegistry registry() {
        return registry;
    }

    @Override
    public ClientResponse apply(Entry entry) {
        if (entry.type() != EntryType.COMMAND) {
            registry.apply(entry);
            return null;
        }
        Entry unwrapped = Entry.command(entry.index(), entry.term(), OperationEnvelope.payload(entry.data()));
        ApplyResult result = registry.apply(unwrapped);
        observations.applied(OperationEnvelope.operationId(entry.data()));
        return result instanceof ApplyResult.Rejected rejected ? new ClientResponse.Failed(rejected.message())
                : new ClientResponse.Applied(true);
    }

    @Override
    public long appliedIndex() {
        return registry.appliedIndex();
    }

    @Override
    public long stateHash() {
        return hash.value();
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            registry.writeSnapshot(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot, long index) {
        try {
            registry.restoreSnapshot(new ByteArrayInputStream(snapshot), index);
        } catch (IOException e) {
            throw new SimulationFailure("registry snapshot at " + index + " does not restore: " + e.getMessage());
        }
    }

    /** The first instance removed (or, in an empty registry, a spurious one added). */
    @Override
    public byte[] snapshotMissingSomething() {
        RegistryApplication copy = new RegistryApplication(observations);
        copy.restore(snapshot(), appliedIndex());
        InstanceKey first = copy.firstInstance();
        byte[] change = first != null ? Commands.deregisterInstance(0, first)
                : Commands.registerInstance(0, Instance.of(new InstanceKey(ServiceKey.of("spurious"),
                NamingDefaults.CLUSTER, "10.9.9.9", 9)));
        copy.registry.apply(Entry.command(appliedIndex(), 1, change));
        return copy.snapshot();
    }

    private InstanceKey firstInstance() {
        for (ServiceSummary service : registry.catalogServices(NamingDefaults.NAMESPACE, "", "", 1,
                Integer.MAX_VALUE).items()) {
            List<Instance> instances = registry.instances(service.key()).orElse(List.of());
            if (!instances.isEmpty()) {
                return instances.get(0).key();
            }
        }
        return null;
    }

    @Override
    public byte[] command(ClientOperation operation, long clockMillis) {
        RegistryRequest request = (RegistryRequest) operation.request();
        byte[] command;
        if (request instanceof RegistryRequest.Register register) {
            command = Commands.registerInstance(clockMillis, register.instance());
        } else if (request instanceof RegistryRequest.Deregister deregister) {
            command = Commands.deregisterInstance(clockMillis, deregister.key());
        } else {
            throw new SimulationFailure("no command for " + request);
        }
        return OperationEnvelope.wrap(operation.id(), command);
    }

    /** Every instance of the service (unhealthy ones too), in key order; none if the service is absent. */
    @Override
    public ClientResponse read(ClientOperation operation) {
        ServiceKey service = ((RegistryRequest.ListInstances) operation.request()).service();
        return new ClientResponse.ReadValue(registry.instances(service).orElse(List.of()));
    }

    @Override
    public ClientResponse beat(ClientOperation operation, Host host) {
        return leases.beat(((RegistryRequest.Beat) operation.request()).key(), host);
    }

    @Override
    public void tick(Host host) {
        leases.tick(host);
    }
}
