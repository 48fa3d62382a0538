package io.beacon.server.nacos;

import io.beacon.node.NodeRuntime;
import io.beacon.node.NodeStoppedException;
import io.beacon.node.NotAppliedException;
import io.beacon.node.NotLeaderException;
import io.beacon.node.OutcomeUnknownException;
import io.beacon.registry.ApplyResult;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.RegistryListener;
import io.beacon.registry.lease.BeatResult;
import io.beacon.registry.lease.EphemeralLeases;
import io.beacon.registry.lease.LeaseProposal;
import io.beacon.registry.lease.LeaseTimeouts;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceKey;
import io.beacon.server.ServerState;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The naming registry as one server runs it: proposes registry commands through the member (stamped with this
 * server's clock: apply never reads one), keeps the ephemeral instances' leases, and tells the push service which
 * services changed.
 *
 * <p>Leases live in the leader's memory. On the leader a beat renews its lease at once (and proposes "healthy
 * again" when it ends an unhealthy spell); a follower answers a beat from its own copy of the registry and passes
 * the beaten instances to the leader in one note per {@link #TICK_MILLIS}. Every tick the leader proposes the
 * transitions that fell due (unhealthy after the heart beat timeout, removed after the ip delete timeout). A
 * member that becomes leader first gives every ephemeral instance a fresh lease, so a failover expires nobody.
 * Beats write nothing to the log unless they change an instance's health.
 */
public final class NamingService implements AutoCloseable {
    static final long TICK_MILLIS = 500;
    /** A registry command not answered by then fails with 503 (it may still be applied). */
    static final long ANSWER_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(NamingService.class);

    private final NodeRuntime node;
    private final NamingRegistry registry;
    private final EphemeralLeases leases = new EphemeralLeases();
    private final LongSupplier clock;
    private final Set<InstanceKey> beatsForLeader = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("beacon-naming-leases", true));
    private boolean leading;

    /**
     * @param changes told of every service whose instances or definition changed, and of every snapshot restored
     */
    public NamingService(NodeRuntime node, NamingRegistry registry, LongSupplier clock, ServiceChanges changes) {
        this.node = node;
        this.registry = registry;
        this.clock = clock;
        registry.addListener(leases);
        leases.restored(registry.ephemeralInstances()); // what a snapshot restored before this was made
        registry.addListener(new RegistryListener() {
            @Override
            public void applied(ApplyResult.Applied result) {
                result.changedServices().forEach(changes::serviceChanged);
            }

            @Override
            public void restored(List<Instance> ephemeralInstances) {
                changes.everyServiceChanged();
            }
        });
        node.onNote((from, body) -> beatsFromFollower(body));
    }

    public NamingRegistry registry() {
        return registry;
    }

    /** Starts the lease clock. */
    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    public long now() {
        return clock.getAsLong();
    }

    /** Whether this member leads, as far as it knows. */
    public boolean leading() {
        return node.knownLeader() == node.memberId();
    }

    /**
     * Proposes a registry command; completes with what it did, or fails with a {@link NacosException}: the
     * registry's refusal with its status and text, or 503 when the cluster could not take it.
     */
    public CompletableFuture<ApplyResult.Applied> propose(byte[] registryCommand) {
        return node.propose(ServerState.command(ServerState.REGISTRY, registryCommand))
                .orTimeout(ANSWER_SECONDS, TimeUnit.SECONDS)
                .handle((result, error) -> {
                    if (error != null) {
                        throw unavailable(error);
                    }
                    if (result instanceof ApplyResult.Rejected rejected) {
                        throw new NacosException(rejected.httpStatus(), rejected.message());
                    }
                    return (ApplyResult.Applied) result;
                });
    }

    private static NacosException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NacosException nacos) {
            return nacos;
        }
        if (cause instanceof NotLeaderException || cause instanceof NodeStoppedException
                || cause instanceof NotAppliedException || cause instanceof OutcomeUnknownException) {
            return new NacosException(503, "server is not ready to write: " + cause.getMessage());
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return new NacosException(503, "no answer within " + ANSWER_SECONDS + " s (no leader, or the cluster is "
                    + "overloaded); the change may still be applied");
        }
        if (cause instanceof io.beacon.raft.ProposalRejectedException rejected) {
            return new NacosException(503, "server is not ready to write: " + rejected.getMessage());
        }
        return new NacosException(500, "internal error: " + cause);
    }

    /**
     * Completes when this member's copy may be read: at once for Nacos's usual local reads, or — for a request
     * that asks {@code consistency=linearizable} (a Beacon addition) — once it reflects every change acknowledged
     * before the request (ReadIndex through the leader); fails with a 503 {@link NacosException} if it cannot.
     */
    public CompletableFuture<Void> readable(String consistency) {
        if (consistency == null || consistency.isEmpty() || consistency.equals("local")) {
            return CompletableFuture.completedFuture(null);
        }
        if (!consistency.equals("linearizable")) {
            throw new NacosException(400, "consistency must be local or linearizable, was '" + consistency + "'");
        }
        return node.linearizableRead().orTimeout(ANSWER_SECONDS, TimeUnit.SECONDS).handle((index, error) -> {
            if (error != null) {
                throw unavailable(error);
            }
            return null;
        });
    }

    /** What a beat gets: whether the instance is known (else the client registers again) and its interval. */
    public record BeatAnswer(boolean known, long clientBeatIntervalMillis) {
    }

    /** A client's beat for an ephemeral instance. */
    public BeatAnswer beat(InstanceKey key) {
        long now = now();
        if (leading()) {
            BeatResult result = leases.beat(key, now);
            result.healthyAgain().ifPresent(command -> propose(command).exceptionally(error -> {
                LOG.debug("healthy-again for {} not applied: {}", key, error.toString());
                return null;
            }));
            return new BeatAnswer(result.known(), result.clientBeatIntervalMillis());
        }
        Optional<Instance> instance = registry.instance(key);
        if (instance.isEmpty() || !instance.get().ephemeral()) {
            return new BeatAnswer(false, 0);
        }
        beatsForLeader.add(key);
        return new BeatAnswer(true, LeaseTimeouts.of(instance.get().metadata()).heartBeatIntervalMillis());
    }

    // ---- the lease clock ----

    private void tick() {
        try {
            long now = now();
            boolean leaderNow = leading();
            if (leaderNow && !leading) {
                leases.renewAll(now);
                LOG.info("leading: every ephemeral instance got a fresh lease count={}", leases.size());
            }
            leading = leaderNow;
            if (leading) {
                beatsForLeader.clear();
                for (LeaseProposal proposal : leases.due(now)) {
                    LOG.info("lease transition {} instances={}", proposal.transition(), proposal.instances().size());
                    propose(proposal.command()).exceptionally(error -> {
                        LOG.debug("lease transition not applied (retried later): {}", error.toString());
                        return null;
                    });
                }
            } else {
                passBeatsToLeader();
            }
        } catch (RuntimeException e) {
            LOG.warn("lease tick failed", e);
        }
    }

    private void passBeatsToLeader() {
        long leader = node.knownLeader();
        if (beatsForLeader.isEmpty() || leader == io.beacon.raft.RaftNode.NONE) {
            return;
        }
        List<InstanceKey> batch = new ArrayList<>(beatsForLeader);
        beatsForLeader.removeAll(batch);
        node.sendNote(leader, encodeBeats(batch));
    }

    private void beatsFromFollower(byte[] body) {
        List<InstanceKey> beaten;
        try {
            beaten = decodeBeats(body);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("a member sent beats that do not decode: {}", e.toString());
            return;
        }
        if (!leading()) {
            return; // the follower will send the next ones to whoever leads now
        }
        for (InstanceKey key : beaten) {
            beat(key);
        }
    }

    static byte[] encodeBeats(List<InstanceKey> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(keys.size());
            for (InstanceKey key : keys) {
                out.writeUTF(key.service().namespaceId());
                out.writeUTF(key.service().groupName());
                out.writeUTF(key.service().serviceName());
                out.writeUTF(key.clusterName());
                out.writeUTF(key.ip());
                out.writeInt(key.port());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<InstanceKey> decodeBeats(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int count = in.readInt();
        if (count < 0 || count > body.length) {
            throw new IOException("a batch of " + count + " beats in " + body.length + " bytes");
        }
        List<InstanceKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ServiceKey service = new ServiceKey(in.readUTF(), in.readUTF(), in.readUTF());
            keys.add(new InstanceKey(service, in.readUTF(), in.readUTF(), in.readInt()));
        }
        return keys;
    }
}
