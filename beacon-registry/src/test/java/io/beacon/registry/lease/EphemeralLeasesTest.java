package io.beacon.registry.lease;

import io.beacon.raft.Entry;
import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.lease.LeaseProposal.Transition;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.ServiceKey;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Ephemeral leases: transitions on schedule, overrides, exemptions, no duplicates in flight, failover. */
class EphemeralLeasesTest {
    private static final InstanceKey A = key("10.0.0.1");
    private static final InstanceKey B = key("10.0.0.2");

    private final NamingRegistry registry = new NamingRegistry();
    private final EphemeralLeases leases = new EphemeralLeases();
    private long index;

    EphemeralLeasesTest() {
        registry.addListener(leases);
    }

    private static InstanceKey key(String ip) {
        return new InstanceKey(ServiceKey.of("orders"), "DEFAULT", ip, 8080);
    }

    private void apply(byte[] command) {
        registry.apply(Entry.command(++index, 1, command));
    }

    private void register(long nowMillis, Instance instance) {
        apply(Commands.registerInstance(nowMillis, instance));
    }

    /** Proposes and applies everything due, as a leader whose proposals commit at once. */
    private List<LeaseProposal> dueAndApplied(long nowMillis) {
        List<LeaseProposal> due = leases.due(nowMillis);
        due.forEach(proposal -> apply(proposal.command()));
        return due;
    }

    private boolean healthy(InstanceKey key) {
        return registry.instance(key).orElseThrow().healthy();
    }

    @Test
    void withDefaultsAnInstanceGoesUnhealthyAfter15SecondsAndIsRemovedAfter30() {
        register(0, Instance.of(A));

        assertThat(dueAndApplied(15_000)).isEmpty();
        assertThat(dueAndApplied(15_001)).extracting(LeaseProposal::transition, LeaseProposal::instances)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.UNHEALTHY, List.of(A)));
        assertThat(healthy(A)).isFalse();
        assertThat(dueAndApplied(30_000)).isEmpty();
        assertThat(dueAndApplied(30_001)).extracting(LeaseProposal::transition, LeaseProposal::instances)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.REMOVE, List.of(A)));
        assertThat(registry.instance(A)).isEmpty();
        assertThat(leases.size()).isZero();
        assertThat(dueAndApplied(60_000)).isEmpty();
    }

    @Test
    void beatsKeepAnInstanceHealthyAndProduceNoCommands() {
        register(0, Instance.of(A));
        for (long now = 5_000; now <= 60_000; now += 5_000) {
            BeatResult beat = leases.beat(A, now);
            assertThat(beat.known()).isTrue();
            assertThat(beat.healthyAgain()).isEmpty();
            assertThat(beat.clientBeatIntervalMillis()).isEqualTo(5_000);
            assertThat(dueAndApplied(now + 1)).isEmpty();
        }
        assertThat(healthy(A)).isTrue();
    }

    @Test
    void metadataOverridesTheTimeoutsAndTheBeatInterval() {
        register(0, Instance.of(A).withMetadata(Map.of(LeaseTimeouts.HEART_BEAT_TIMEOUT, "3000",
                LeaseTimeouts.IP_DELETE_TIMEOUT, "6000", LeaseTimeouts.HEART_BEAT_INTERVAL, "1000")));
        register(0, Instance.of(B).withMetadata(Map.of(LeaseTimeouts.HEART_BEAT_TIMEOUT, "3s",
                LeaseTimeouts.IP_DELETE_TIMEOUT, "-1")));

        assertThat(leases.beat(A, 0).clientBeatIntervalMillis()).isEqualTo(1_000);
        assertThat(leases.beat(B, 0).clientBeatIntervalMillis()).as("default").isEqualTo(5_000);
        assertThat(dueAndApplied(3_000)).isEmpty();
        assertThat(dueAndApplied(3_001)).extracting(LeaseProposal::instances).containsExactly(List.of(A));
        assertThat(dueAndApplied(6_001)).extracting(LeaseProposal::transition, LeaseProposal::instances)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.REMOVE, List.of(A)));
        assertThat(dueAndApplied(15_001)).as("malformed overrides fall back to the defaults")
                .extracting(LeaseProposal::instances).containsExactly(List.of(B));
    }

    @Test
    void markedInstancesAreExempt() {
        register(0, Instance.of(A).withMarked(true));

        assertThat(dueAndApplied(1_000_000)).isEmpty();
        assertThat(registry.instance(A)).isPresent();
        assertThat(leases.beat(A, 1_000_001).known()).isTrue();
    }

    @Test
    void persistentInstancesHaveNoLease() {
        register(0, Instance.of(A).withEphemeral(false));

        assertThat(leases.size()).isZero();
        assertThat(dueAndApplied(1_000_000)).isEmpty();
        assertThat(leases.beat(A, 1).known()).isFalse();

        register(0, Instance.of(B));
        register(1, Instance.of(B).withEphemeral(false));
        assertThat(leases.size()).as("becoming persistent ends the lease").isZero();
    }

    @Test
    void aTransitionInFlightIsNotProposedTwiceButALostOneIsRetried() {
        register(0, Instance.of(A));

        assertThat(leases.due(15_001)).hasSize(1);
        assertThat(leases.due(15_002)).as("the first is in flight").isEmpty();
        assertThat(leases.due(20_000)).isEmpty();
        List<LeaseProposal> retried = leases.due(20_001);
        assertThat(retried).as("not applied within the retry interval: lost").hasSize(1);

        apply(retried.get(0).command());
        assertThat(healthy(A)).isFalse();
        assertThat(leases.due(25_002)).as("applied: nothing pending, nothing to do").isEmpty();

        assertThat(leases.due(30_001)).extracting(LeaseProposal::transition).containsExactly(Transition.REMOVE);
        assertThat(leases.due(30_002)).isEmpty();
        assertThat(leases.due(35_001)).extracting(LeaseProposal::transition).containsExactly(Transition.REMOVE);
    }

    @Test
    void aBeatMakesAnUnhealthyInstanceHealthyAgainOnce() {
        register(0, Instance.of(A));
        dueAndApplied(15_001);
        assertThat(healthy(A)).isFalse();

        BeatResult first = leases.beat(A, 16_000);
        assertThat(first.healthyAgain()).isPresent();
        assertThat(leases.beat(A, 16_100).healthyAgain()).as("healthy is in flight").isEmpty();

        apply(first.healthyAgain().orElseThrow());
        assertThat(healthy(A)).isTrue();
        assertThat(leases.beat(A, 17_000).healthyAgain()).isEmpty();
        assertThat(dueAndApplied(31_000)).isEmpty();
        assertThat(dueAndApplied(32_001)).extracting(LeaseProposal::transition).containsExactly(Transition.UNHEALTHY);
    }

    @Test
    void aBeatWhileUnhealthyIsInFlightProposesHealthyBehindIt() {
        register(0, Instance.of(A));
        List<LeaseProposal> unhealthy = leases.due(15_001);

        BeatResult beat = leases.beat(A, 15_500);
        assertThat(beat.healthyAgain()).isPresent();

        apply(unhealthy.get(0).command());
        apply(beat.healthyAgain().orElseThrow());
        assertThat(healthy(A)).isTrue();
        assertThat(leases.due(20_000)).isEmpty();
        assertThat(leases.beat(A, 20_000).healthyAgain()).isEmpty();
    }

    @Test
    void anUnknownInstanceIsReportedSoTheClientRegistersAgain() {
        assertThat(leases.beat(A, 1)).isEqualTo(BeatResult.unknown());
        register(0, Instance.of(A));
        apply(Commands.deregisterInstance(2, A));
        assertThat(leases.beat(A, 3).known()).isFalse();
    }

    @Test
    void registeringAgainCountsAsABeat() {
        register(0, Instance.of(A));
        register(10_000, Instance.of(A));

        assertThat(leases.lastBeatMillis(A)).hasValue(10_000);
        assertThat(dueAndApplied(25_000)).isEmpty();
        assertThat(dueAndApplied(25_001)).hasSize(1);
    }

    @Test
    void aNewLeaseNeverStartsBeforeTheLatestTimeSeen() {
        leases.due(50_000);
        register(1_000, Instance.of(A));

        assertThat(leases.lastBeatMillis(A)).hasValue(50_000);
        assertThat(leases.due(50_001)).isEmpty();
    }

    @Test
    void renewAllAfterALeadershipChangeExpiresNobodyEarly() {
        register(0, Instance.of(A));
        register(0, Instance.of(B));
        leases.due(15_001);
        // The old leader's proposal never committed; this member becomes leader much later.

        leases.renewAll(100_000);

        assertThat(leases.due(115_000)).isEmpty();
        List<LeaseProposal> due = leases.due(115_001);
        assertThat(due).extracting(LeaseProposal::transition).containsExactly(Transition.UNHEALTHY,
                Transition.UNHEALTHY);
        assertThat(due).flatExtracting(LeaseProposal::instances).containsExactly(A, B);
    }

    @Test
    void leasesFollowASnapshotRestore() throws IOException {
        NamingRegistry source = new NamingRegistry();
        source.apply(Entry.command(1, 1, Commands.registerInstance(0, Instance.of(B))));
        source.apply(Entry.command(2, 1, Commands.registerInstance(0,
                Instance.of(key("10.0.0.3")).withEphemeral(false))));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        source.writeSnapshot(snapshot);
        register(0, Instance.of(A));
        leases.due(1_000);

        registry.restoreSnapshot(new ByteArrayInputStream(snapshot.toByteArray()), 2);

        assertThat(leases.size()).isEqualTo(1);
        assertThat(leases.beat(A, 2_000).known()).isFalse();
        assertThat(leases.lastBeatMillis(B)).as("starts at the next time given").isEmpty();
        assertThat(leases.due(5_000)).isEmpty();
        assertThat(leases.lastBeatMillis(B)).hasValue(5_000);
        assertThat(leases.due(20_001)).flatExtracting(LeaseProposal::instances).containsExactly(B);
    }

    @Test
    void removalsAreBatched() {
        List<InstanceKey> keys = new ArrayList<>();
        for (int i = 0; i < EphemeralLeases.MAX_REMOVALS_PER_COMMAND + 20; i++) {
            String ip = "10.0." + (i / 250) + "." + (i % 250);
            InstanceKey key = new InstanceKey(ServiceKey.of("s" + (i % 7)), "DEFAULT", ip, 1);
            keys.add(key);
            register(0, Instance.of(key));
        }

        List<LeaseProposal> due = dueAndApplied(30_001);

        assertThat(due).extracting(LeaseProposal::transition).containsExactly(Transition.REMOVE, Transition.REMOVE);
        assertThat(due.get(0).instances()).hasSize(EphemeralLeases.MAX_REMOVALS_PER_COMMAND);
        assertThat(due).flatExtracting(LeaseProposal::instances).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(registry.instanceCount()).isZero();
    }

    @Test
    void theCommandsCarryTheLeadersTime() {
        register(0, Instance.of(A));
        byte[] command = leases.due(15_001).get(0).command();
        assertThat(io.beacon.registry.command.CommandCodec.decode(command).stampMillis()).isEqualTo(15_001);
    }

    @Test
    void aTransitionAppliedIsNoLongerPending() {
        register(0, Instance.of(A));
        dueAndApplied(15_001);
        // An operator marks it healthy while the unhealthy transition is still within its retry interval.
        apply(Commands.setInstanceHealth(15_100, A, true));

        assertThat(leases.beat(A, 15_200).healthyAgain()).as("nothing is going unhealthy any more").isEmpty();
    }

    @Test
    void aBeatFromAMarkedUnhealthyInstanceChangesNothing() {
        register(0, Instance.of(A).withMarked(true));
        apply(Commands.setInstanceHealth(1, A, false));

        BeatResult beat = leases.beat(A, 2);
        assertThat(beat.known()).isTrue();
        assertThat(beat.healthyAgain()).isEmpty();
    }

    @Test
    void healthCommandsForInstancesWithoutALeaseAreIgnored() {
        register(0, Instance.of(A).withEphemeral(false));
        apply(Commands.setInstanceHealth(1, A, false));

        assertThat(leases.size()).isZero();
        assertThat(registry.instance(A).orElseThrow().healthy()).isFalse();
    }

    @Test
    void theRetryIntervalMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EphemeralLeases(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pendingRetryMillis");
    }

    @Test
    void beatsAndRenewalsAlsoAdvanceTheLatestTimeSeen() {
        leases.beat(A, 40_000);
        register(1_000, Instance.of(A));
        assertThat(leases.lastBeatMillis(A)).hasValue(40_000);

        leases.renewAll(70_000);
        register(2_000, Instance.of(B));
        assertThat(leases.lastBeatMillis(B)).hasValue(70_000);
    }

    @Test
    void timeoutsThatDoNotFitInALongFallBackToTheDefaults() {
        assertThat(LeaseTimeouts.of(Map.of(LeaseTimeouts.HEART_BEAT_TIMEOUT, "99999999999999999999",
                LeaseTimeouts.IP_DELETE_TIMEOUT, "", LeaseTimeouts.HEART_BEAT_INTERVAL, "999999999999999999")))
                .isEqualTo(new LeaseTimeouts(15_000, 30_000, 999_999_999_999_999_999L));
        assertThat(LeaseTimeouts.of(Map.of())).isEqualTo(LeaseTimeouts.DEFAULTS);
    }
}
