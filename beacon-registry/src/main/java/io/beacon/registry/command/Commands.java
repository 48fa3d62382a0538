package io.beacon.registry.command;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;

import java.util.List;
import java.util.Map;

/**
 * Builds the byte arrays the server proposes, one factory per command. Every command carries the proposer's
 * timestamp ({@code stampMillis}, the leader's clock): apply reads time only from there. Owns construction only.
 */
public final class Commands {
    private Commands() {
    }

    public static byte[] registerInstance(long stampMillis, Instance instance) {
        return CommandCodec.encode(stampMillis, new Command.RegisterInstance(instance));
    }

    public static byte[] deregisterInstance(long stampMillis, InstanceKey key) {
        return CommandCodec.encode(stampMillis, new Command.DeregisterInstance(key));
    }

    public static byte[] updateInstance(long stampMillis, Instance instance) {
        return CommandCodec.encode(stampMillis, new Command.UpdateInstance(instance));
    }

    public static byte[] createService(long stampMillis, ServiceKey key, ServiceDefinition definition) {
        return CommandCodec.encode(stampMillis, new Command.CreateService(key, definition));
    }

    public static byte[] updateService(long stampMillis, ServiceKey key, ServiceDefinition definition) {
        return CommandCodec.encode(stampMillis, new Command.UpdateService(key, definition));
    }

    public static byte[] deleteService(long stampMillis, ServiceKey key) {
        return CommandCodec.encode(stampMillis, new Command.DeleteService(key));
    }

    public static byte[] updateCluster(long stampMillis, ServiceKey key, String clusterName,
                                       Map<String, String> metadata) {
        return CommandCodec.encode(stampMillis, new Command.UpdateCluster(key, clusterName, metadata));
    }

    public static byte[] setInstanceHealth(long stampMillis, InstanceKey key, boolean healthy) {
        return CommandCodec.encode(stampMillis, new Command.SetInstanceHealth(key, healthy));
    }

    public static byte[] removeInstances(long stampMillis, List<InstanceKey> keys) {
        return CommandCodec.encode(stampMillis, new Command.RemoveInstances(keys));
    }

    public static byte[] updateSwitches(long stampMillis, Map<String, String> entries) {
        return CommandCodec.encode(stampMillis, new Command.UpdateSwitches(entries));
    }
}
