package io.beacon.registry.command;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.Values;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The registry's commands: each one fine-grained change to the naming state. They travel through the log
 * encoded by {@link Commands}; the leader's timestamp travels beside them ({@link StampedCommand}). Values only:
 * what a command does to the registry is decided when it is applied.
 */
public sealed interface Command {

    /** Upsert an instance; creates its service and cluster if missing. Keeps the health of an existing one. */
    record RegisterInstance(Instance instance) implements Command {
        public RegisterInstance {
            require(instance, "instance");
        }
    }

    /** Remove an instance; removing one that is absent changes nothing and succeeds. */
    record DeregisterInstance(InstanceKey key) implements Command {
        public DeregisterInstance {
            require(key, "key");
        }
    }

    /** Replace an existing instance's attributes; fails if the service or the instance is absent. */
    record UpdateInstance(Instance instance) implements Command {
        public UpdateInstance {
            require(instance, "instance");
        }
    }

    /** Create a service; fails if it exists. */
    record CreateService(ServiceKey key, ServiceDefinition definition) implements Command {
        public CreateService {
            require(key, "key");
            require(definition, "definition");
        }
    }

    /** Replace a service's definition; fails if it is absent. */
    record UpdateService(ServiceKey key, ServiceDefinition definition) implements Command {
        public UpdateService {
            require(key, "key");
            require(definition, "definition");
        }
    }

    /** Delete a service; fails if it is absent or still has instances. */
    record DeleteService(ServiceKey key) implements Command {
        public DeleteService {
            require(key, "key");
        }
    }

    /** Set a cluster's metadata, creating the cluster if missing; fails if the service is absent. */
    record UpdateCluster(ServiceKey key, String clusterName, SortedMap<String, String> metadata) implements Command {
        public UpdateCluster(ServiceKey key, String clusterName, Map<String, String> metadata) {
            this(key, clusterName, Values.sortedCopy(metadata));
        }

        public UpdateCluster {
            require(key, "key");
            require(clusterName, "clusterName");
            metadata = Values.sortedCopy(metadata);
        }
    }

    /** Set an instance's health (the leader's lease transitions); an absent instance changes nothing. */
    record SetInstanceHealth(InstanceKey key, boolean healthy) implements Command {
        public SetInstanceHealth {
            require(key, "key");
        }
    }

    /** Remove a batch of instances (lease expiry); absent ones are skipped. */
    record RemoveInstances(List<InstanceKey> keys) implements Command {
        public RemoveInstances {
            keys = List.copyOf(keys);
        }
    }

    /** Set registry switches (merged into the current ones). */
    record UpdateSwitches(SortedMap<String, String> entries) implements Command {
        public UpdateSwitches(Map<String, String> entries) {
            this(Values.sortedCopy(entries));
        }

        public UpdateSwitches {
            entries = Values.sortedCopy(entries);
        }
    }

    private static void require(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("a registry command needs its " + name);
        }
    }
}
