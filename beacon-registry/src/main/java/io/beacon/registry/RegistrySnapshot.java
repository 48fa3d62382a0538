package io.beacon.registry;

import io.beacon.raft.StateMachine;
import io.beacon.registry.command.Wire;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot format of the whole registry, version {@value #FORMAT_VERSION}, streamed (never one array):
 * <pre>
 * magic "BREG" (int) | format version (int) | switches (map)
 * | service count (int) | per service: key, definition, created millis, modified millis, cluster count (int)
 * |   per cluster: name, metadata (map), instance count (int) | per instance: endpoint and attributes
 * | CRC32C of every byte before it (long) | end of stream
 * </pre>
 * Everything is written in key order, so equal states give equal bytes. It is written from a frozen image of the
 * state ({@link #freeze}), so that a snapshot's writing need not hold the apply thread. Reading builds a fresh state and fails
 * with an IOException naming the problem (wrong magic or version, truncation, bad checksum, trailing bytes,
 * impossible values); the caller swaps it in only when reading succeeded. Owns the format only.
 */
final class RegistrySnapshot {
    static final int MAGIC = 0x42524547;
    static final int FORMAT_VERSION = 1;
    private static final int BUFFER_BYTES = 64 * 1024;

    private RegistrySnapshot() {
    }

    /**
     * The state as it is now, for writing later while it changes: the structures apply changes in place (the
     * service, cluster and switch maps) are copied; what they hold (keys, definitions, metadata, instances) is
     * immutable and shared.
     */
    static StateMachine.FrozenState freeze(RegistryState state) {
        SortedMap<String, String> switches = new TreeMap<>(state.switches());
        List<FrozenService> services = new ArrayList<>(state.services().size());
        for (ServiceState service : state.services().values()) {
            List<FrozenCluster> clusters = new ArrayList<>(service.clusters().size());
            for (ClusterState cluster : service.clusters()) {
                List<Instance> instances = new ArrayList<>(cluster.size());
                cluster.instances().forEach(instances::add);
                clusters.add(new FrozenCluster(cluster.name(), cluster.metadata(), instances));
            }
            services.add(new FrozenService(service.key(), service.definition(), service.createdMillis(),
                    service.modifiedMillis(), clusters));
        }
        return out -> write(switches, services, out);
    }

    private record FrozenService(ServiceKey key, ServiceDefinition definition, long createdMillis,
                                 long modifiedMillis, List<FrozenCluster> clusters) {
    }

    private record FrozenCluster(String name, SortedMap<String, String> metadata, List<Instance> instances) {
    }

    private static void write(SortedMap<String, String> switches, List<FrozenService> services, OutputStream out)
            throws IOException {
        CRC32C crc = new CRC32C();
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(
                new CheckedOutputStream(out, crc), BUFFER_BYTES));
        data.writeInt(MAGIC);
        data.writeInt(FORMAT_VERSION);
        Wire.writeStringMap(data, switches);
        data.writeInt(services.size());
        for (FrozenService service : services) {
            Wire.writeServiceKey(data, service.key());
            Wire.writeDefinition(data, service.definition());
            data.writeLong(service.createdMillis());
            data.writeLong(service.modifiedMillis());
            data.writeInt(service.clusters().size());
            for (FrozenCluster cluster : service.clusters()) {
                Wire.writeString(data, cluster.name());
                Wire.writeStringMap(data, cluster.metadata());
                data.writeInt(cluster.instances().size());
                for (Instance instance : cluster.instances()) {
                    Wire.writeInstanceInCluster(data, instance);
                }
            }
        }
        data.flush();
        DataOutputStream trailer = new DataOutputStream(out);
        trailer.writeLong(crc.getValue());
        trailer.flush();
    }

    static RegistryState read(InputStream in, long index) throws IOException {
        CRC32C crc = new CRC32C();
        DataInputStream data = new DataInputStream(new CheckedInputStream(new BufferedInputStream(in, BUFFER_BYTES),
                crc));
        String reading = "its header";
        try {
            int magic = data.readInt();
            if (magic != MAGIC) {
                throw new IOException("it is not a registry snapshot (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int version = data.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException("its format version " + version + " is unknown; this build reads version "
                        + FORMAT_VERSION);
            }
            RegistryState state = new RegistryState();
            reading = "the switches";
            state.putSwitches(Wire.readStringMap(data, "switches"));
            int services = Wire.readCount(data, "services");
            for (int s = 0; s < services; s++) {
                reading = "service " + (s + 1) + " of " + services;
                readService(data, state);
            }
            reading = "its checksum";
            long computed = crc.getValue();
            long stored = data.readLong();
            if (stored != computed) {
                throw new IOException("its checksum does not match (stored " + Long.toHexString(stored)
                        + ", computed " + Long.toHexString(computed) + ")");
            }
            if (data.read() != -1) {
                throw new IOException("bytes follow its checksum");
            }
            return state;
        } catch (EOFException e) {
            throw new IOException("registry snapshot at index " + index + " is truncated while reading " + reading,
                    e);
        } catch (IOException e) {
            throw new IOException("registry snapshot at index " + index + " is refused while reading " + reading
                    + ": " + e.getMessage(), e);
        }
    }

    private static void readService(DataInputStream data, RegistryState state) throws IOException {
        ServiceKey key = Wire.readServiceKey(data);
        ServiceDefinition definition = Wire.readDefinition(data);
        ServiceState service = new ServiceState(key, definition, data.readLong(), data.readLong());
        if (state.service(key) != null) {
            throw new IOException("service " + key + " appears twice");
        }
        state.addService(service);
        int clusters = Wire.readCount(data, "clusters of " + key);
        for (int c = 0; c < clusters; c++) {
            String name = Wire.readString(data, "cluster name");
            if (name.isEmpty() || service.cluster(name) != null) {
                throw new IOException("service " + key + " has an empty or repeated cluster name");
            }
            SortedMap<String, String> metadata = Wire.readStringMap(data, "metadata of cluster " + name);
            ClusterState cluster = service.addCluster(name, metadata);
            int instances = Wire.readCount(data, "instances of cluster " + name);
            for (int i = 0; i < instances; i++) {
                cluster.put(Wire.readInstanceInCluster(data, key, name));
            }
            if (cluster.size() != instances) {
                throw new IOException("cluster " + name + " of " + key + " repeats an instance");
            }
        }
    }
}
