package io.beacon.testkit.sim;

import io.beacon.registry.lease.LeaseTimeouts;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.ServiceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A client of ephemeral instances, as a Nacos 1.x client with its beat reactor: it registers an instance, beats it
 * through the leader every interval, and registers it again when the leader does not know it. Each instance has a
 * life with a plan: beat to the end of the run, stop beating at a chosen time, or deregister at a chosen time and
 * stop; when a life ends the client starts the next with a new instance. After a deregister is acknowledged, the
 * client lists the instance's service a few times, as a client subscribed to it polls it: a deregistered instance
 * must not show. Until the clients are stopped, a client beating to the end sometimes pauses (as in a long garbage
 * collection) for longer than the heart beat timeout but shorter than the ip delete timeout, so its instance goes
 * unhealthy and must become healthy again. Lease timeouts are Nacos's divided by five, set through the instances'
 * metadata. Every life is kept for the checks at the end of the run.
 */
final class EphemeralClient {
    static final long BEAT_INTERVAL_MILLIS = 1_000;
    static final long HEART_BEAT_TIMEOUT_MILLIS = 3_000;
    static final long IP_DELETE_TIMEOUT_MILLIS = 6_000;
    private static final Map<String, String> METADATA = Map.of(
            LeaseTimeouts.HEART_BEAT_INTERVAL, Long.toString(BEAT_INTERVAL_MILLIS),
            LeaseTimeouts.HEART_BEAT_TIMEOUT, Long.toString(HEART_BEAT_TIMEOUT_MILLIS),
            LeaseTimeouts.IP_DELETE_TIMEOUT, Long.toString(IP_DELETE_TIMEOUT_MILLIS));
    private static final int LISTS_AFTER_DEREGISTER = 2;
    /** One beat in this many is followed by a pause of the client. */
    private static final int BEATS_PER_PAUSE = 10;
    private static final long PAUSE_MICROS = (HEART_BEAT_TIMEOUT_MILLIS + 1_000) * 1000;

    enum Plan { KEEP_BEATING, STOP_BEATING, DEREGISTER }

    /** One instance and what its client does with it. */
    static final class Life {
        final InstanceKey key;
        final Plan plan;
        /** When a plan other than KEEP_BEATING ends the life (virtual time). */
        final long endAt;
        /** Whether the client believes the registry holds the instance. */
        boolean registered;
        /** The client stopped beating it (after deregistering it, if that was the plan). */
        boolean over;

        Life(InstanceKey key, Plan plan, long endAt) {
            this.key = key;
            this.plan = plan;
            this.endAt = endAt;
        }
    }

    private final int index;
    private final SplittableRandom random;
    private final KeyRotation services;
    private final List<Life> lives = new ArrayList<>();
    private Life current;
    /** Lists of the current life's service still to make before the next life starts. */
    private int listsToMake;
    /** Whether the client may still pause (not once the clients are stopped: the final checks need its beats). */
    private boolean pauses = true;

    EphemeralClient(int index, SplittableRandom random, KeyRotation services) {
        this.index = index;
        this.random = random;
        this.services = services;
    }

    List<Life> lives() {
        return lives;
    }

    /** Whether the client beats an instance until the end of the run. */
    boolean keepsBeating() {
        return current != null && current.plan == Plan.KEEP_BEATING;
    }

    /** The client's next request at virtual time now; null when it has just stopped beating an instance. */
    RegistryRequest next(long now) {
        if (listsToMake > 0) {
            listsToMake--;
            return new RegistryRequest.ListInstances(current.key.service());
        }
        if (current == null || current.over) {
            current = startLife(now);
        }
        if (!current.registered) {
            return new RegistryRequest.Register(new Instance(current.key, NamingDefaults.WEIGHT, true, true, true,
                    false, METADATA));
        }
        if (current.plan != Plan.KEEP_BEATING && now >= current.endAt) {
            if (current.plan == Plan.DEREGISTER) {
                return new RegistryRequest.Deregister(current.key);
            }
            current.over = true;
            return null;
        }
        return new RegistryRequest.Beat(current.key);
    }

    private Life startLife(long now) {
        // The first client's first instance is beaten to the end, so every run checks a live instance.
        Plan plan = index == 0 && lives.isEmpty() ? Plan.KEEP_BEATING
                : random.nextInt(4) == 0 ? Plan.KEEP_BEATING : random.nextBoolean() ? Plan.STOP_BEATING
                : Plan.DEREGISTER;
        InstanceKey key = new InstanceKey(ServiceKey.of(services.next()), NamingDefaults.CLUSTER,
                "10.1.0." + (index + 1), 9000 + lives.size());
        Life life = new Life(key, plan, now + random.nextLong(2_000_000, 10_000_000));
        lives.add(life);
        return life;
    }

    /** Between beats, the beat interval (or sometimes a pause of the client); otherwise a short wait. */
    long pause() {
        if (current != null && current.registered && !current.over) {
            if (pauses && current.plan == Plan.KEEP_BEATING && random.nextInt(BEATS_PER_PAUSE) == 0) {
                return PAUSE_MICROS + random.nextLong(1_000_000);
            }
            return BEAT_INTERVAL_MILLIS * 1000 - random.nextLong(100_000);
        }
        return random.nextLong(1_000, 20_000);
    }

    void stopping() {
        pauses = false;
    }

    void completed(RegistryRequest request, ClientResponse response) {
        if (request instanceof RegistryRequest.Register) {
            current.registered = true;
        } else if (request instanceof RegistryRequest.Deregister) {
            current.over = true;
            listsToMake = LISTS_AFTER_DEREGISTER;
        } else if (response instanceof ClientResponse.Beat beat && !beat.known()) {
            current.registered = false;
        }
    }
}
