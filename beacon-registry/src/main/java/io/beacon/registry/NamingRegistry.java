package io.beacon.registry;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;
import io.beacon.registry.command.CommandCodec;
import io.beacon.registry.command.MalformedCommandException;
import io.beacon.registry.command.StampedCommand;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.InstanceList;
import io.beacon.registry.model.Page;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;
import io.beacon.registry.model.ServiceView;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The naming state machine: Nacos's namespaces, groups, services, clusters and instances, replicated by the log.
 * The apply thread decodes each committed command and runs it ({@link CommandExecutor}) under the write lock;
 * queries come from any thread under the read lock and return immutable values. Listeners hear of every applied
 * change in log order, after the lock is released.
 *
 * <p>Deterministic: reads no clock (time comes from the commands' stamps), starts no thread, opens no file or
 * socket, uses no randomness, and walks only sorted structures. The same entries give the same state and the same
 * snapshot bytes on every replica.
 */
public final class NamingRegistry implements StateMachine {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    private RegistryState state = new RegistryState();
    private volatile long appliedIndex;

    public void addListener(RegistryListener listener) {
        listeners.add(listener);
    }

    /**
     * Applies one committed entry. A command gives an {@link ApplyResult}; NOOP and CONFIGURATION entries change
     * only the applied index and give null.
     *
     * @throws MalformedCommandException if a command entry is not a registry command this build knows (fatal)
     */
    @Override
    public ApplyResult apply(Entry entry) {
        if (entry.type() != EntryType.COMMAND) {
            appliedIndex = entry.index();
            return null;
        }
        StampedCommand command;
        try {
            command = CommandCodec.decode(entry.data());
        } catch (MalformedCommandException e) {
            throw new MalformedCommandException("entry " + entry.index() + ": " + e.getMessage(), e);
        }
        ApplyResult result;
        lock.writeLock().lock();
        try {
            result = CommandExecutor.execute(state, command);
            appliedIndex = entry.index();
        } finally {
            lock.writeLock().unlock();
        }
        if (result instanceof ApplyResult.Applied applied) {
            listeners.forEach(listener -> listener.applied(applied));
        }
        return result;
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public FrozenState freeze() {
        return read(() -> RegistrySnapshot.freeze(state));
    }

    /** Replaces the whole state with the snapshot's; a damaged snapshot is refused and the state stays as it was. */
    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        RegistryState restored = RegistrySnapshot.read(in, index);
        List<Instance> ephemeral;
        lock.writeLock().lock();
        try {
            state = restored;
            appliedIndex = index;
            ephemeral = restored.ephemeralInstances();
        } finally {
            lock.writeLock().unlock();
        }
        listeners.forEach(listener -> listener.restored(ephemeral));
    }

    /** One service (Nacos's {@code GET /v1/ns/service}), or empty if absent. */
    public Optional<ServiceView> service(ServiceKey key) {
        return read(() -> Optional.ofNullable(state.service(key)).map(ServiceState::view));
    }

    /** Bare names of the services of a namespace and group, sorted, page {@code pageNo} (from 1). */
    public Page<String> serviceNames(String namespaceId, String groupName, int pageNo, int pageSize) {
        return read(() -> ServiceCatalog.serviceNames(state, namespaceId, groupName, pageNo, pageSize));
    }

    /**
     * The answer to {@code /v1/ns/instance/list}: the requested clusters' instances after the protect threshold,
     * without disabled ones, healthy ones only if asked; empty if the service is absent. See {@link InstanceListing}.
     */
    public Optional<InstanceList> instanceList(ServiceKey key, String clusters, boolean healthyOnly) {
        return read(() -> Optional.ofNullable(state.service(key))
                .map(service -> InstanceListing.list(service, clusters, healthyOnly)));
    }

    /** One instance by service, cluster, ip and port. */
    public Optional<Instance> instance(InstanceKey key) {
        return read(() -> {
            ServiceState service = state.service(key.service());
            return Optional.ofNullable(service == null ? null : service.instance(key));
        });
    }

    /** All instances of a service in key order (disabled and unhealthy included); empty if the service is absent. */
    public Optional<List<Instance>> instances(ServiceKey key) {
        return read(() -> Optional.ofNullable(state.service(key)).map(service -> {
            List<Instance> all = new ArrayList<>();
            service.clusters().forEach(cluster -> cluster.instances().forEach(all::add));
            return List.copyOf(all);
        }));
    }

    /** The instances of one cluster in key order; empty if the service or the cluster is absent. */
    public Optional<List<Instance>> clusterInstances(ServiceKey key, String clusterName) {
        return read(() -> {
            ServiceState service = state.service(key);
            ClusterState cluster = service == null ? null : service.cluster(clusterName);
            if (cluster == null) {
                return Optional.empty();
            }
            List<Instance> instances = new ArrayList<>(cluster.size());
            cluster.instances().forEach(instances::add);
            return Optional.of(List.copyOf(instances));
        });
    }

    /** The catalog: services of a namespace whose group and name contain the filters, with counts, paged. */
    public Page<ServiceSummary> catalogServices(String namespaceId, String groupFilter, String nameFilter,
                                                int pageNo, int pageSize) {
        return read(() -> ServiceCatalog.summaries(state, namespaceId, groupFilter, nameFilter, pageNo, pageSize));
    }

    public int serviceCount() {
        return read(() -> state.services().size());
    }

    public int instanceCount() {
        return read(() -> state.instanceCount());
    }

    /** Every ephemeral instance, in key order. */
    public List<Instance> ephemeralInstances() {
        return read(() -> List.copyOf(state.ephemeralInstances()));
    }

    /** The registry switches: those set by commands over the defaults. */
    public RegistrySwitches switches() {
        return read(() -> RegistrySwitches.of(state.switches()));
    }

    private <T> T read(Supplier<T> query) {
        lock.readLock().lock();
        try {
            return query.get();
        } finally {
            lock.readLock().unlock();
        }
    }
}
