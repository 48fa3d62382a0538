// Owns: the input of one register / deregister / list operation on the instances of a service.
package io.beacon.testkit.lin;

import java.util.Objects;

/**
 * An operation on the instances of {@code service}: REGISTER upserts {@code instance}, DEREGISTER removes it, LIST
 * reads them all. The service names the partition (e.g. {@code public##DEFAULT_GROUP@@s1}); the instance is its
 * address.
 */
public record InstanceSetInput(Kind kind, String service, String instance) {

    public enum Kind { REGISTER, DEREGISTER, LIST }

    public InstanceSetInput {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        if (kind == Kind.LIST ? instance != null : instance == null) {
            throw new IllegalArgumentException(kind + " " + (instance == null ? "needs" : "takes no") + " instance");
        }
    }

    public static InstanceSetInput register(String service, String instance) {
        return new InstanceSetInput(Kind.REGISTER, service, instance);
    }

    public static InstanceSetInput deregister(String service, String instance) {
        return new InstanceSetInput(Kind.DEREGISTER, service, instance);
    }

    public static InstanceSetInput list(String service) {
        return new InstanceSetInput(Kind.LIST, service, null);
    }

    @Override
    public String toString() {
        return kind == Kind.LIST ? "list(" + service + ")"
                : kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + service + ", " + instance + ")";
    }
}
