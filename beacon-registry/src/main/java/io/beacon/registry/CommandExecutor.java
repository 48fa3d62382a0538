package io.beacon.registry;

import io.beacon.registry.InstanceChange.Kind;
import io.beacon.registry.command.Command;
import io.beacon.registry.command.Command.CreateService;
import io.beacon.registry.command.Command.DeleteService;
import io.beacon.registry.command.Command.DeregisterInstance;
import io.beacon.registry.command.Command.RegisterInstance;
import io.beacon.registry.command.Command.RemoveInstances;
import io.beacon.registry.command.Command.SetInstanceHealth;
import io.beacon.registry.command.Command.UpdateCluster;
import io.beacon.registry.command.Command.UpdateInstance;
import io.beacon.registry.command.Command.UpdateService;
import io.beacon.registry.command.Command.UpdateSwitches;
import io.beacon.registry.command.StampedCommand;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NacosErrors;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What each registry command does to the state: Nacos's naming semantics, deterministic, reading time only from
 * the command's stamp. Refusals are decided here from the state alone, with Nacos's texts. Never reads a clock,
 * never locks (the registry holds its write lock), never touches anything but the state it is given.
 */
final class CommandExecutor {
    private final RegistryState state;
    private final long stampMillis;
    private final TreeSet<ServiceKey> changedServices = new TreeSet<>();
    private final List<InstanceChange> instanceChanges = new ArrayList<>();
    private boolean switchesChanged;

    private CommandExecutor(RegistryState state, long stampMillis) {
        this.state = state;
        this.stampMillis = stampMillis;
    }

    static ApplyResult execute(RegistryState state, StampedCommand stamped) {
        return new CommandExecutor(state, stamped.stampMillis()).run(stamped.command());
    }

    private ApplyResult run(Command command) {
        ApplyResult.Rejected rejected = null;
        if (command instanceof RegisterInstance c) {
            register(c.instance());
        } else if (command instanceof DeregisterInstance c) {
            remove(c.key());
        } else if (command instanceof UpdateInstance c) {
            rejected = update(c.instance());
        } else if (command instanceof CreateService c) {
            rejected = createService(c.key(), c.definition());
        } else if (command instanceof UpdateService c) {
            rejected = updateService(c.key(), c.definition());
        } else if (command instanceof DeleteService c) {
            rejected = deleteService(c.key());
        } else if (command instanceof UpdateCluster c) {
            rejected = updateCluster(c.key(), c.clusterName(), c.metadata());
        } else if (command instanceof SetInstanceHealth c) {
            setHealth(c.key(), c.healthy());
        } else if (command instanceof RemoveInstances c) {
            c.keys().forEach(this::remove);
        } else if (command instanceof UpdateSwitches c) {
            switchesChanged = state.putSwitches(c.entries());
        } else {
            throw new IllegalStateException("no semantics for " + command);
        }
        if (rejected != null) {
            return rejected;
        }
        return new ApplyResult.Applied(stampMillis, List.copyOf(changedServices), instanceChanges, switchesChanged);
    }

    private void register(Instance requested) {
        ServiceState service = state.service(requested.key().service());
        if (service == null) {
            service = new ServiceState(requested.key().service(), ServiceDefinition.DEFAULT, stampMillis, stampMillis);
            state.addService(service);
        }
        store(service, requested, Kind.REGISTERED);
    }

    private ApplyResult.Rejected update(Instance requested) {
        ServiceState service = state.service(requested.key().service());
        if (service == null) {
            return badRequest(NacosErrors.serviceNotFoundForInstance(requested.key().service()));
        }
        if (service.instance(requested.key()) == null) {
            return badRequest(NacosErrors.instanceNotExist(requested));
        }
        store(service, requested, Kind.UPDATED);
        return null;
    }

    /**
     * Upserts an instance, creating its cluster if missing (a new service or cluster always gets the instance, so
     * the put below reports the change). Weight is clamped as Nacos's Instance does; an existing instance keeps its
     * health unless the new one is marked (health belongs to the health checks, not to registrations).
     */
    private void store(ServiceState service, Instance requested, Kind kind) {
        InstanceKey key = requested.key();
        ClusterState cluster = service.cluster(key.clusterName());
        if (cluster == null) {
            cluster = service.addCluster(key.clusterName(), Map.of());
        }
        Instance existing = cluster.instance(key);
        Instance stored = requested.withWeight(clampWeight(requested.weight()));
        if (existing != null && !stored.marked()) {
            stored = stored.withHealthy(existing.healthy());
        }
        if (!stored.equals(existing)) {
            cluster.put(stored);
            changed(service);
        }
        instanceChanges.add(new InstanceChange(kind, stored));
    }

    private void remove(InstanceKey key) {
        ServiceState service = state.service(key.service());
        ClusterState cluster = service == null ? null : service.cluster(key.clusterName());
        Instance removed = cluster == null ? null : cluster.remove(key);
        if (removed != null) {
            changed(service);
            instanceChanges.add(new InstanceChange(Kind.REMOVED, removed));
        }
    }

    private void setHealth(InstanceKey key, boolean healthy) {
        ServiceState service = state.service(key.service());
        Instance existing = service == null ? null : service.instance(key);
        if (existing == null) {
            return;
        }
        Instance stored = existing.withHealthy(healthy);
        if (existing.healthy() != healthy) {
            service.cluster(key.clusterName()).put(stored);
            changed(service);
        }
        instanceChanges.add(new InstanceChange(Kind.HEALTH, stored));
    }

    private ApplyResult.Rejected createService(ServiceKey key, ServiceDefinition definition) {
        if (state.service(key) != null) {
            return badRequest(NacosErrors.serviceAlreadyExists(key));
        }
        ServiceState service = new ServiceState(key, definition, stampMillis, stampMillis);
        state.addService(service);
        changed(service);
        return null;
    }

    private ApplyResult.Rejected updateService(ServiceKey key, ServiceDefinition definition) {
        ServiceState service = state.service(key);
        if (service == null) {
            return badRequest(NacosErrors.serviceNotFoundForUpdate(key));
        }
        if (!service.definition().equals(definition)) {
            service.definition(definition);
            changed(service);
        }
        return null;
    }

    private ApplyResult.Rejected deleteService(ServiceKey key) {
        ServiceState service = state.service(key);
        if (service == null) {
            return badRequest(NacosErrors.serviceNotExistForDelete(key));
        }
        if (service.instanceCount() > 0) {
            return badRequest(NacosErrors.serviceHasInstances(key));
        }
        state.removeService(key);
        changedServices.add(key);
        return null;
    }

    private ApplyResult.Rejected updateCluster(ServiceKey key, String clusterName, Map<String, String> metadata) {
        ServiceState service = state.service(key);
        if (service == null) {
            return badRequest(NacosErrors.serviceNotFoundForCluster(key));
        }
        ClusterState cluster = service.cluster(clusterName);
        if (cluster == null) {
            service.addCluster(clusterName, metadata);
            changed(service);
        } else if (!cluster.metadata().equals(metadata)) {
            cluster.metadata(metadata);
            changed(service);
        }
        return null;
    }

    private void changed(ServiceState service) {
        service.modified(stampMillis);
        changedServices.add(service.key());
    }

    /** Nacos's Instance clamping: above the maximum to the maximum, tiny positive weights up, negatives to 0. */
    static double clampWeight(double weight) {
        if (Double.isNaN(weight) || weight <= NamingDefaults.MIN_WEIGHT) {
            return NamingDefaults.MIN_WEIGHT;
        }
        if (weight > NamingDefaults.MAX_WEIGHT) {
            return NamingDefaults.MAX_WEIGHT;
        }
        if (weight > 0 && weight < NamingDefaults.MIN_POSITIVE_WEIGHT) {
            return NamingDefaults.MIN_POSITIVE_WEIGHT;
        }
        return weight;
    }

    private static ApplyResult.Rejected badRequest(String message) {
        return new ApplyResult.Rejected(NacosErrors.BAD_REQUEST, message);
    }
}
