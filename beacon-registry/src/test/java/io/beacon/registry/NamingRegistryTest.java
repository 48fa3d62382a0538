package io.beacon.registry;

import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.registry.InstanceChange.Kind;
import io.beacon.registry.command.Commands;
import io.beacon.registry.command.MalformedCommandException;
import io.beacon.registry.model.ClusterView;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.beacon.registry.TestRegistry.instance;
import static io.beacon.registry.TestRegistry.key;
import static io.beacon.registry.TestRegistry.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What each command does to the registry, with Nacos 1.1.4's defaults and refusals. */
class NamingRegistryTest {
    private final TestRegistry registry = new TestRegistry();

    @Test
    void registeringCreatesServiceAndClusterWithNacosDefaults() {
        ApplyResult.Applied applied = registry.applied(Commands.registerInstance(1000,
                instance("orders", "10.0.0.1", 8080)));

        assertThat(applied.changedServices()).containsExactly(service("orders"));
        assertThat(applied.stampMillis()).isEqualTo(1000);
        ServiceView view = registry.registry.service(service("orders")).orElseThrow();
        assertThat(view.key()).isEqualTo(new ServiceKey("public", "DEFAULT_GROUP", "orders"));
        assertThat(view.protectThreshold()).isZero();
        assertThat(view.definition().metadata()).isEmpty();
        assertThat(view.definition().selector()).isEqualTo(Selector.NONE);
        assertThat(view.clusters()).containsExactly(new ClusterView("DEFAULT", Map.of()));
        assertThat(view.createdMillis()).isEqualTo(1000);
        assertThat(view.modifiedMillis()).isEqualTo(1000);

        Instance stored = registry.registry.instance(key("orders", "10.0.0.1", 8080)).orElseThrow();
        assertThat(stored.weight()).isEqualTo(1.0);
        assertThat(stored.healthy()).isTrue();
        assertThat(stored.enabled()).isTrue();
        assertThat(stored.ephemeral()).isTrue();
        assertThat(stored.marked()).isFalse();
        assertThat(stored.metadata()).isEmpty();
        assertThat(stored.instanceId()).isEqualTo("10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders");
    }

    @Test
    void registeringTwiceIsAnIdempotentUpsert() {
        Instance instance = instance("orders", "10.0.0.1", 8080).withMetadata(Map.of("v", "1"));
        registry.applied(Commands.registerInstance(1000, instance));
        byte[] before = registry.snapshot();

        ApplyResult.Applied again = registry.applied(Commands.registerInstance(2000, instance));

        assertThat(again.changedServices()).isEmpty();
        assertThat(again.instanceChanges()).containsExactly(new InstanceChange(Kind.REGISTERED, instance));
        assertThat(registry.snapshot()).isEqualTo(before);
        assertThat(registry.registry.instanceCount()).isEqualTo(1);

        ApplyResult.Applied changed = registry.applied(Commands.registerInstance(3000, instance.withWeight(3)));
        assertThat(changed.changedServices()).containsExactly(service("orders"));
        assertThat(registry.registry.instance(instance.key()).orElseThrow().weight()).isEqualTo(3.0);
        assertThat(registry.registry.service(service("orders")).orElseThrow().modifiedMillis()).isEqualTo(3000);
        assertThat(registry.registry.instanceCount()).isEqualTo(1);
    }

    @Test
    void reRegisteringKeepsTheHealthUnlessTheInstanceIsMarked() {
        Instance instance = instance("orders", "10.0.0.1", 8080);
        registry.applied(Commands.registerInstance(1, instance));
        registry.applied(Commands.setInstanceHealth(2, instance.key(), false));

        registry.applied(Commands.registerInstance(3, instance.withHealthy(true).withWeight(2)));
        assertThat(registry.registry.instance(instance.key()).orElseThrow().healthy()).isFalse();

        registry.applied(Commands.registerInstance(4, instance.withHealthy(true).withMarked(true)));
        assertThat(registry.registry.instance(instance.key()).orElseThrow().healthy()).isTrue();
    }

    @Test
    void theSameEndpointInTwoClustersIsTwoInstances() {
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "blue", "10.0.0.1", 80))));
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "green", "10.0.0.1", 80))));

        assertThat(registry.registry.instanceCount()).isEqualTo(2);
        assertThat(registry.registry.service(service("orders")).orElseThrow().clusters())
                .extracting(ClusterView::name).containsExactly("blue", "green");
    }

    @Test
    void weightIsClampedOnApplyAsNacosInstanceDoes() {
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.1", 1).withWeight(20_000)));
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.2", 1).withWeight(0.001)));
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.3", 1).withWeight(-5)));
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.4", 1).withWeight(0.01)));
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.5", 1).withWeight(-0.0)));
        registry.applied(Commands.registerInstance(1, instance("s", "10.0.0.6", 1).withWeight(Double.NaN)));

        assertThat(List.of(1, 2, 3, 4, 5, 6)).extracting(i -> registry.registry.instance(key("s", "10.0.0." + i, 1))
                .orElseThrow().weight()).containsExactly(10_000.0, 0.01, 0.0, 0.01, 0.0, 0.0);
    }

    @Test
    void updatingAnAbsentInstanceFailsWithNacosText() {
        Instance instance = instance("orders", "10.0.0.1", 8080);

        ApplyResult.Rejected noService = registry.rejected(Commands.updateInstance(1, instance));
        assertThat(noService.httpStatus()).isEqualTo(400);
        assertThat(noService.message())
                .isEqualTo("service not found, namespace: public, service: DEFAULT_GROUP@@orders");

        registry.applied(Commands.registerInstance(1, instance("orders", "10.0.0.2", 8080)));
        ApplyResult.Rejected noInstance = registry.rejected(Commands.updateInstance(2, instance));
        assertThat(noInstance.httpStatus()).isEqualTo(400);
        assertThat(noInstance.message())
                .isEqualTo("instance not exist: 10.0.0.1:8080:unknown:DEFAULT_1.0_true_false_DEFAULT");
        assertThat(registry.registry.instanceCount()).isEqualTo(1);
    }

    @Test
    void updatingAnExistingInstanceReplacesItsAttributes() {
        Instance instance = instance("orders", "10.0.0.1", 8080).withMetadata(Map.of("a", "1"));
        registry.applied(Commands.registerInstance(1, instance));

        ApplyResult.Applied applied = registry.applied(Commands.updateInstance(2,
                instance.withEnabled(false).withMetadata(Map.of("b", "2"))));

        assertThat(applied.instanceChanges()).extracting(InstanceChange::kind).containsExactly(Kind.UPDATED);
        Instance stored = registry.registry.instance(instance.key()).orElseThrow();
        assertThat(stored.enabled()).isFalse();
        assertThat(stored.metadata()).containsExactly(Map.entry("b", "2"));
    }

    @Test
    void deregisteringAnAbsentInstanceIsFine() {
        ApplyResult.Applied unknownService = registry.applied(Commands.deregisterInstance(1, key("x", "1.1.1.1", 1)));
        assertThat(unknownService.changedServices()).isEmpty();
        assertThat(unknownService.instanceChanges()).isEmpty();

        registry.applied(Commands.registerInstance(1, instance("orders", "10.0.0.1", 8080)));
        ApplyResult.Applied removed = registry.applied(Commands.deregisterInstance(2, key("orders", "10.0.0.1", 8080)));
        assertThat(removed.changedServices()).containsExactly(service("orders"));
        assertThat(removed.instanceChanges()).extracting(InstanceChange::kind).containsExactly(Kind.REMOVED);
        assertThat(registry.registry.instanceCount()).isZero();
        assertThat(registry.registry.service(service("orders"))).as("the service stays, as in Nacos").isPresent();
    }

    @Test
    void creatingAServiceTwiceFailsWithNacosText() {
        ServiceDefinition definition = new ServiceDefinition(0.5, Map.of("owner", "a"), Selector.NONE);
        registry.applied(Commands.createService(10, service("orders"), definition));
        assertThat(registry.registry.service(service("orders")).orElseThrow().definition()).isEqualTo(definition);

        ApplyResult.Rejected again = registry.rejected(Commands.createService(11, service("orders"),
                ServiceDefinition.DEFAULT));
        assertThat(again).isEqualTo(new ApplyResult.Rejected(400,
                "specified service already exists, serviceName : DEFAULT_GROUP@@orders"));
        assertThat(registry.registry.service(service("orders")).orElseThrow().definition()).isEqualTo(definition);
    }

    @Test
    void updatingAServiceNeedsItToExist() {
        ServiceDefinition definition = new ServiceDefinition(0.8, Map.of(), Selector.label("a=b"));
        assertThat(registry.rejected(Commands.updateService(1, service("orders"), definition)))
                .isEqualTo(new ApplyResult.Rejected(400, "service DEFAULT_GROUP@@orders not found!"));

        registry.applied(Commands.createService(1, service("orders"), ServiceDefinition.DEFAULT));
        registry.applied(Commands.updateService(2, service("orders"), definition));
        ServiceView view = registry.registry.service(service("orders")).orElseThrow();
        assertThat(view.definition()).isEqualTo(definition);
        assertThat(view.modifiedMillis()).isEqualTo(2);
        assertThat(view.createdMillis()).isEqualTo(1);
    }

    @Test
    void deletingAServiceWithInstancesFailsWithNacosText() {
        registry.applied(Commands.registerInstance(1, instance("orders", "10.0.0.1", 8080)));

        assertThat(registry.rejected(Commands.deleteService(2, service("orders"))))
                .isEqualTo(new ApplyResult.Rejected(400,
                        "specified service has instances, serviceName : DEFAULT_GROUP@@orders"));
        assertThat(registry.rejected(Commands.deleteService(2, service("absent"))))
                .isEqualTo(new ApplyResult.Rejected(400,
                        "specified service not exist, serviceName : DEFAULT_GROUP@@absent"));

        registry.applied(Commands.deregisterInstance(3, key("orders", "10.0.0.1", 8080)));
        ApplyResult.Applied deleted = registry.applied(Commands.deleteService(4, service("orders")));
        assertThat(deleted.changedServices()).containsExactly(service("orders"));
        assertThat(registry.registry.service(service("orders"))).isEmpty();
        assertThat(registry.registry.serviceCount()).isZero();
    }

    @Test
    void clusterMetadataIsSetOnAnExistingService() {
        assertThat(registry.rejected(Commands.updateCluster(1, service("orders"), "blue", Map.of())).message())
                .isEqualTo("service not found:DEFAULT_GROUP@@orders");
        registry.applied(Commands.createService(1, service("orders"), ServiceDefinition.DEFAULT));

        registry.applied(Commands.updateCluster(2, service("orders"), "blue", Map.of("zone", "a")));

        assertThat(registry.registry.service(service("orders")).orElseThrow().clusters())
                .containsExactly(new ClusterView("blue", Map.of("zone", "a")));
    }

    @Test
    void healthCommandsAndBatchRemovalsTouchOnlyPresentInstances() {
        registry.applied(Commands.registerInstance(1, instance("a", "10.0.0.1", 1)));
        registry.applied(Commands.registerInstance(1, instance("b", "10.0.0.2", 1)));

        ApplyResult.Applied health = registry.applied(Commands.setInstanceHealth(2, key("a", "10.0.0.1", 1), false));
        assertThat(health.changedServices()).containsExactly(service("a"));
        assertThat(registry.registry.instance(key("a", "10.0.0.1", 1)).orElseThrow().healthy()).isFalse();
        ApplyResult.Applied same = registry.applied(Commands.setInstanceHealth(3, key("a", "10.0.0.1", 1), false));
        assertThat(same.changedServices()).isEmpty();
        assertThat(same.instanceChanges()).extracting(InstanceChange::kind).containsExactly(Kind.HEALTH);
        assertThat(registry.applied(Commands.setInstanceHealth(3, key("a", "9.9.9.9", 1), true)).instanceChanges())
                .isEmpty();

        ApplyResult.Applied removed = registry.applied(Commands.removeInstances(4,
                List.of(key("a", "10.0.0.1", 1), key("b", "10.0.0.2", 1), key("c", "10.0.0.3", 1))));
        assertThat(removed.changedServices()).containsExactly(service("a"), service("b"));
        assertThat(removed.instanceChanges()).hasSize(2);
        assertThat(registry.registry.instanceCount()).isZero();
    }

    @Test
    void switchesStartAtTheirDefaultsAndCommandsSetThem() {
        RegistrySwitches defaults = registry.registry.switches();
        assertThat(defaults.defaultInstanceEphemeral()).isTrue();
        assertThat(defaults.clientBeatIntervalMillis()).isEqualTo(5000);
        assertThat(defaults.defaultCacheMillis()).isEqualTo(3000);
        assertThat(defaults.defaultPushCacheMillis()).isEqualTo(10_000);

        ApplyResult.Applied applied = registry.applied(Commands.updateSwitches(1,
                Map.of(RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL, "false")));
        assertThat(applied.switchesChanged()).isTrue();
        assertThat(registry.registry.switches().defaultInstanceEphemeral()).isFalse();
        assertThat(registry.applied(Commands.updateSwitches(2, Map.of(RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL,
                "false"))).switchesChanged()).isFalse();
    }

    @Test
    void noopAndConfigurationEntriesOnlyAdvanceTheAppliedIndex() {
        registry.applied(Commands.registerInstance(1, instance("orders", "10.0.0.1", 8080)));
        byte[] before = registry.snapshot();

        assertThat(registry.registry.apply(Entry.noop(2, 1))).isNull();
        assertThat(registry.registry.apply(Entry.configuration(3, 1, Configuration.of(List.of(1L, 2L))))).isNull();

        assertThat(registry.registry.appliedIndex()).isEqualTo(3);
        assertThat(registry.snapshot()).isEqualTo(before);
    }

    @Test
    void listenersHearEveryAppliedChangeInOrder() {
        List<ApplyResult.Applied> heard = new ArrayList<>();
        registry.registry.addListener(new RegistryListener() {
            @Override
            public void applied(ApplyResult.Applied result) {
                heard.add(result);
            }

            @Override
            public void restored(List<Instance> ephemeralInstances) {
            }
        });
        InstanceKey key = key("orders", "10.0.0.1", 8080);
        registry.applied(Commands.registerInstance(1, Instance.of(key)));
        registry.rejected(Commands.deleteService(2, service("orders")));
        registry.applied(Commands.deregisterInstance(3, key));

        assertThat(heard).extracting(ApplyResult.Applied::stampMillis).containsExactly(1L, 3L);
        assertThat(heard.get(1).instanceChanges()).extracting(InstanceChange::kind).containsExactly(Kind.REMOVED);
    }

    @Test
    void theRegistryRefusesGarbageEntriesNamingTheIndex() {
        NamingRegistry registry = new NamingRegistry();
        assertThatThrownBy(() -> registry.apply(Entry.command(7, 1, new byte[] {3, 1, 2})))
                .isInstanceOf(MalformedCommandException.class).hasMessageStartingWith("entry 7: ")
                .hasMessageContaining("format version 3");
        assertThat(registry.appliedIndex()).isZero();
    }

    @Test
    void onlyRealChangesAreReportedForPushes() {
        ServiceDefinition definition = new ServiceDefinition(0.5, Map.of(), Selector.NONE);
        assertThat(registry.applied(Commands.createService(1, service("orders"), definition)).changedServices())
                .containsExactly(service("orders"));
        assertThat(registry.applied(Commands.updateService(2, service("orders"), definition)).changedServices())
                .isEmpty();
        assertThat(registry.applied(Commands.updateCluster(3, service("orders"), "blue", Map.of("a", "1")))
                .changedServices()).containsExactly(service("orders"));
        assertThat(registry.applied(Commands.updateCluster(4, service("orders"), "blue", Map.of("a", "1")))
                .changedServices()).isEmpty();
        assertThat(registry.applied(Commands.updateCluster(5, service("orders"), "blue", Map.of("a", "2")))
                .changedServices()).containsExactly(service("orders"));
        assertThat(registry.registry.service(service("orders")).orElseThrow().modifiedMillis()).isEqualTo(5);
        assertThat(registry.registry.service(service("orders")).orElseThrow().clusters())
                .containsExactly(new ClusterView("blue", Map.of("a", "2")));
    }

    @Test
    void otherThreadsReadWhatTheApplyThreadWrote() throws Exception {
        registry.applied(Commands.registerInstance(1, instance("orders", "10.0.0.1", 8080)));
        registry.rejected(Commands.createService(2, service("orders"), ServiceDefinition.DEFAULT));

        Integer count = java.util.concurrent.CompletableFuture.supplyAsync(registry.registry::instanceCount)
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(count).isEqualTo(1);

        registry.registry.restoreSnapshot(new java.io.ByteArrayInputStream(registry.snapshot()), 9);
        assertThat(java.util.concurrent.CompletableFuture.supplyAsync(registry.registry::serviceCount)
                .get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aServiceViewNamesItsParts() {
        registry.applied(Commands.createService(1, new ServiceKey("dev", "PAY", "ledger"),
                new ServiceDefinition(0.7, Map.of(), Selector.NONE)));
        ServiceView view = registry.registry.service(new ServiceKey("dev", "PAY", "ledger")).orElseThrow();
        assertThat(view.name()).isEqualTo("ledger");
        assertThat(view.groupName()).isEqualTo("PAY");
        assertThat(view.protectThreshold()).isEqualTo(0.7);
    }

    @Test
    void everySwitchHasADefaultAndABadValueReadsAsTheDefault() {
        assertThat(registry.registry.switches().all()).containsExactly(Map.entry("clientBeatInterval", "5000"),
                Map.entry("defaultCacheMillis", "3000"), Map.entry("defaultInstanceEphemeral", "true"),
                Map.entry("defaultPushCacheMillis", "10000"), Map.entry("lightBeatEnabled", "true"));
        assertThat(registry.registry.switches().lightBeatEnabled()).isTrue();
        registry.applied(Commands.updateSwitches(1, Map.of(RegistrySwitches.LIGHT_BEAT_ENABLED, "false",
                RegistrySwitches.DEFAULT_CACHE_MILLIS, "soon")));
        assertThat(registry.registry.switches().lightBeatEnabled()).isFalse();
        assertThat(registry.registry.switches().defaultCacheMillis()).isEqualTo(3000);
        assertThat(RegistrySwitches.typeOf("lightBeatEnabled")).isEqualTo(RegistrySwitches.Type.BOOLEAN);
        assertThat(RegistrySwitches.typeOf("nope")).isNull();
    }
}
