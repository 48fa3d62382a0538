package io.beacon.testkit.sim;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceKey;
import io.beacon.testkit.lin.InstanceHistory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The registry workload's clients. Persistent-instance clients register, deregister and list (through the read path)
 * the instances of a few rotating services, each from a pool of a few addresses, and record every operation in an
 * {@link InstanceHistory} for the set model. Ephemeral-instance clients ({@link EphemeralClient}) register instances
 * in the same services and beat them. Every register, deregister and list, of both kinds, also goes into the
 * {@link InstanceObservations}.
 */
final class RegistryClients implements ClientWorkload {
    static final int EPHEMERAL_CLIENTS = 3;
    private static final int ACTIVE_SERVICES = 3;
    private static final int OPERATIONS_PER_SERVICE = 120;
    private static final int ADDRESSES = 6;
    private static final int PORT = 8080;

    private final SplittableRandom random;
    private final int persistentClients;
    private final KeyRotation services;
    private final InstanceHistory history = new InstanceHistory();
    private final InstanceObservations observations = new InstanceObservations();
    private final List<EphemeralClient> ephemeral = new ArrayList<>();

    RegistryClients(SplittableRandom random, int persistentClients) {
        this.random = random;
        this.persistentClients = persistentClients;
        this.services = new KeyRotation(random, "s", ACTIVE_SERVICES, OPERATIONS_PER_SERVICE);
        for (int i = 0; i < EPHEMERAL_CLIENTS; i++) {
            ephemeral.add(new EphemeralClient(i, random.split(), services));
        }
    }

    InstanceHistory history() {
        return history;
    }

    InstanceObservations observations() {
        return observations;
    }

    List<EphemeralClient> ephemeralClients() {
        return ephemeral;
    }

    @Override
    public int clientCount() {
        return persistentClients + EPHEMERAL_CLIENTS;
    }

    private EphemeralClient ephemeral(int client) {
        return client < persistentClients ? null : ephemeral.get(client - persistentClients);
    }

    @Override
    public ClientOperation next(int client, long operationId, long now) {
        EphemeralClient owner = ephemeral(client);
        RegistryRequest request = owner == null ? nextPersistent() : owner.next(now);
        if (request == null) {
            return null;
        }
        int historyId = -1;
        ClientOperation.Kind kind = ClientOperation.Kind.WRITE;
        if (request instanceof RegistryRequest.ListInstances list) {
            kind = ClientOperation.Kind.READ;
            observations.listInvoked(operationId, now);
            historyId = history.invokeList(client, list.service().toString(), now);
        } else if (request instanceof RegistryRequest.Register register) {
            InstanceKey key = register.instance().key();
            observations.registerInvoked(operationId, key, now);
            if (owner == null) {
                historyId = history.invokeRegister(client, key.service().toString(), address(key), now);
            }
        } else if (request instanceof RegistryRequest.Deregister deregister) {
            observations.deregisterInvoked(operationId, deregister.key(), now);
            if (owner == null) {
                historyId = history.invokeDeregister(client, deregister.key().service().toString(),
                        address(deregister.key()), now);
            }
        } else {
            kind = ClientOperation.Kind.BEAT;
        }
        return new ClientOperation(historyId, operationId, client, kind, request);
    }

    private RegistryRequest nextPersistent() {
        ServiceKey service = ServiceKey.of(services.next());
        int choice = random.nextInt(10);
        if (choice < 4) {
            return new RegistryRequest.ListInstances(service);
        }
        InstanceKey key = new InstanceKey(service, NamingDefaults.CLUSTER, "10.0.0." + (1 + random.nextInt(ADDRESSES)),
                PORT);
        return choice < 7 ? new RegistryRequest.Register(Instance.of(key).withEphemeral(false))
                : new RegistryRequest.Deregister(key);
    }

    private static String address(InstanceKey key) {
        return key.ip() + ":" + key.port();
    }

    @Override
    public long pause(int client) {
        EphemeralClient owner = ephemeral(client);
        return owner == null ? random.nextLong(1_000, 20_000) : owner.pause();
    }

    @Override
    public void stopping() {
        ephemeral.forEach(EphemeralClient::stopping);
    }

    @Override
    public boolean keepsRunning(int client) {
        EphemeralClient owner = ephemeral(client);
        return owner != null && owner.keepsBeating();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void completed(ClientOperation operation, ClientResponse response, long now) {
        if (response instanceof ClientResponse.ReadValue read) {
            List<Instance> instances = (List<Instance>) read.value();
            List<InstanceKey> keys = new ArrayList<>();
            List<String> persistent = new ArrayList<>();
            for (Instance instance : instances) {
                keys.add(instance.key());
                if (!instance.ephemeral()) {
                    persistent.add(address(instance.key()));
                }
            }
            observations.listed(operation.id(), keys, now);
            history.okList(operation.historyId(), persistent, now);
        } else if (response instanceof ClientResponse.Applied) {
            observations.acknowledged(operation.id(), now);
            if (operation.historyId() >= 0) {
                history.okChange(operation.historyId(), now);
            }
        } else if (!(response instanceof ClientResponse.Beat)) {
            throw new SimulationFailure("a registry operation answered " + response);
        }
        EphemeralClient owner = ephemeral(operation.client());
        if (owner != null) {
            owner.completed((RegistryRequest) operation.request(), response);
        }
    }

    @Override
    public void failed(ClientOperation operation, long now) {
        observations.failed(operation.id(), now);
        if (operation.historyId() >= 0) {
            history.fail(operation.historyId(), now);
        }
    }

    @Override
    public void unknown(ClientOperation operation, long now) {
        if (operation.historyId() >= 0) {
            history.info(operation.historyId());
        }
    }
}
