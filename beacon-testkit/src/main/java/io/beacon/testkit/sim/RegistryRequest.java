package io.beacon.testkit.sim;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceKey;

/** A client request of the registry workload, as a Nacos 1.x client makes them. */
sealed interface RegistryRequest extends ClientRequest {

    /** Registers (upserts) an instance, persistent or ephemeral. */
    record Register(Instance instance) implements RegistryRequest {
        @Override
        public String name() {
            return "REGISTER";
        }
    }

    /** Removes an instance. */
    record Deregister(InstanceKey key) implements RegistryRequest {
        @Override
        public String name() {
            return "DEREGISTER";
        }
    }

    /** Lists every instance of a service, through the linearizable read path. */
    record ListInstances(ServiceKey service) implements RegistryRequest {
        @Override
        public String name() {
            return "LIST";
        }
    }

    /** A heart beat of an ephemeral instance, which only the leader takes. */
    record Beat(InstanceKey key) implements RegistryRequest {
        @Override
        public String name() {
            return "BEAT";
        }
    }
}
