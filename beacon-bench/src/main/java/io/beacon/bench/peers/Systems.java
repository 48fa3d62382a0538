package io.beacon.bench.peers;

import java.nio.file.Path;
import java.util.List;

/** The systems {@code bin/beacon-bench} can run, by the names its {@code --systems} option takes. */
final class Systems {
    /** Every name, in the report's order. */
    static final List<String> NAMES = List.of("beacon", "etcd", "etcd-http", "sofajraft");

    private Systems() {
    }

    /** Throws a clear error for a name that is not one of {@link #NAMES}. */
    static void check(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown system '" + name + "': choose from " + NAMES);
        }
    }

    /** A cluster of the named system, not yet started, keeping its data under dir; JVMs started as jvm says. */
    static KvCluster create(String name, Path dir, ServerJvm jvm) throws Exception {
        return switch (name) {
            case "beacon" -> new BeaconCluster(dir, jvm);
            case "etcd" -> EtcdCluster.grpc(dir);
            case "etcd-http" -> EtcdCluster.http(dir);
            case "sofajraft" -> new SofaJraftCluster(dir, jvm);
            default -> throw new IllegalArgumentException("unknown system '" + name + "'");
        };
    }

    /**
     * Whether failover is timed on this system: etcd's HTTP gateway is the same etcd as its gRPC column, whose
     * failover is already timed.
     */
    static boolean measuresFailover(String name) {
        return !name.equals("etcd-http");
    }
}
