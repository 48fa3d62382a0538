package io.beacon.registry;

import io.beacon.raft.Entry;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A registry fed commands as consecutive log entries of term 1, plus shorthands for keys and snapshots. */
final class TestRegistry {
    final NamingRegistry registry = new NamingRegistry();
    private long index;

    ApplyResult apply(byte[] command) {
        return registry.apply(Entry.command(++index, 1, command));
    }

    ApplyResult.Applied applied(byte[] command) {
        ApplyResult result = apply(command);
        if (!(result instanceof ApplyResult.Applied applied)) {
            throw new AssertionError("expected the command to apply, got " + result);
        }
        return applied;
    }

    ApplyResult.Rejected rejected(byte[] command) {
        ApplyResult result = apply(command);
        if (!(result instanceof ApplyResult.Rejected rejected)) {
            throw new AssertionError("expected the command to be refused, got " + result);
        }
        return rejected;
    }

    long index() {
        return index;
    }

    byte[] snapshot() {
        return snapshotOf(registry);
    }

    static byte[] snapshotOf(NamingRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            registry.writeSnapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static NamingRegistry restored(byte[] snapshot, long index) throws IOException {
        NamingRegistry registry = new NamingRegistry();
        registry.restoreSnapshot(new ByteArrayInputStream(snapshot), index);
        return registry;
    }

    static ServiceKey service(String name) {
        return ServiceKey.of(name);
    }

    static InstanceKey key(String service, String ip, int port) {
        return new InstanceKey(ServiceKey.of(service), "DEFAULT", ip, port);
    }

    static InstanceKey key(String service, String cluster, String ip, int port) {
        return new InstanceKey(ServiceKey.of(service), cluster, ip, port);
    }

    static Instance instance(String service, String ip, int port) {
        return Instance.of(key(service, ip, port));
    }
}
