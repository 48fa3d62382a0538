package io.beacon.registry;

import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Host;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceList;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.beacon.registry.TestRegistry.key;
import static io.beacon.registry.TestRegistry.service;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/ns/instance/list} as Nacos 1.1.4 serves it: clusters, disabled instances, threshold, healthyOnly. */
class InstanceListTest {
    private final TestRegistry registry = new TestRegistry();

    private void register(String cluster, String ip, boolean healthy, boolean enabled) {
        registry.applied(Commands.registerInstance(100, Instance.of(key("orders", cluster, ip, 80))
                .withEnabled(enabled)));
        if (!healthy) {
            registry.applied(Commands.setInstanceHealth(100, key("orders", cluster, ip, 80), false));
        }
    }

    private void threshold(double protectThreshold) {
        registry.applied(Commands.updateService(200, service("orders"),
                new ServiceDefinition(protectThreshold, Map.of(), Selector.NONE)));
    }

    private InstanceList list(String clusters, boolean healthyOnly) {
        return registry.registry.instanceList(service("orders"), clusters, healthyOnly).orElseThrow();
    }

    @Test
    void anUnknownServiceHasNoList() {
        assertThat(registry.registry.instanceList(service("absent"), "", false)).isEmpty();
    }

    @Test
    void hostsCarryEveryFieldTheNacosJsonNeeds() {
        registry.applied(Commands.registerInstance(100, new Instance(key("orders", "blue", "10.0.0.1", 8080), 2.5,
                true, true, false, false, Map.of("zone", "a"))));

        InstanceList list = list("", false);

        assertThat(list.name()).isEqualTo("DEFAULT_GROUP@@orders");
        assertThat(list.lastModifiedMillis()).isEqualTo(100);
        assertThat(list.hosts()).containsExactly(new Host("10.0.0.1", 8080, true, true, false,
                "10.0.0.1#8080#blue#DEFAULT_GROUP@@orders", new java.util.TreeMap<>(Map.of("zone", "a")), true, 2.5,
                "blue", "DEFAULT_GROUP@@orders", false));
    }

    @Test
    void healthyHostsComeFirstThenUnhealthyOnesInKeyOrder() {
        register("DEFAULT", "10.0.0.3", false, true);
        register("DEFAULT", "10.0.0.1", true, true);
        register("DEFAULT", "10.0.0.2", false, true);

        assertThat(list("", false).hosts()).extracting(Host::ip, Host::healthy, Host::valid).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1", true, true),
                org.assertj.core.groups.Tuple.tuple("10.0.0.2", false, false),
                org.assertj.core.groups.Tuple.tuple("10.0.0.3", false, false));
    }

    @Test
    void healthyOnlyLeavesOutUnhealthyHosts() {
        register("DEFAULT", "10.0.0.1", true, true);
        register("DEFAULT", "10.0.0.2", false, true);

        assertThat(list("", true).hosts()).extracting(Host::ip).containsExactly("10.0.0.1");
    }

    @Test
    void disabledInstancesAreLeftOut() {
        register("DEFAULT", "10.0.0.1", true, true);
        register("DEFAULT", "10.0.0.2", true, false);
        register("DEFAULT", "10.0.0.3", false, false);

        assertThat(list("", false).hosts()).extracting(Host::ip).containsExactly("10.0.0.1");
    }

    @Test
    void theClustersParameterSelectsClusters() {
        register("blue", "10.0.0.1", true, true);
        register("green", "10.0.0.2", true, true);
        register("red", "10.0.0.3", true, true);

        assertThat(list("", false).hosts()).extracting(Host::ip).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(list(null, false).hosts()).hasSize(3);
        assertThat(list("green", false).hosts()).extracting(Host::ip).containsExactly("10.0.0.2");
        assertThat(list("red,blue", false).hosts()).extracting(Host::ip).containsExactly("10.0.0.1", "10.0.0.3");
        assertThat(list("purple", false).hosts()).isEmpty();
        assertThat(list(",green,", false).hosts()).extracting(Host::ip).containsExactly("10.0.0.2");
    }

    @Test
    void atOrBelowTheProtectThresholdEveryHostIsServedHealthy() {
        register("DEFAULT", "10.0.0.1", true, true);
        register("DEFAULT", "10.0.0.2", false, true);
        register("DEFAULT", "10.0.0.3", false, true);
        register("DEFAULT", "10.0.0.4", false, true);

        assertThat(list("", false).reachedProtectThreshold()).as("default threshold 0").isFalse();

        threshold(0.25);
        InstanceList protectedList = list("", false);
        assertThat(protectedList.reachedProtectThreshold()).isTrue();
        assertThat(protectedList.hosts()).extracting(Host::ip).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3",
                "10.0.0.4");
        assertThat(protectedList.hosts()).allSatisfy(host -> {
            assertThat(host.healthy()).isTrue();
            assertThat(host.valid()).isTrue();
        });
        assertThat(list("", true).hosts()).as("healthyOnly keeps them: they are served healthy").hasSize(4);

        threshold(0.2);
        assertThat(list("", false).reachedProtectThreshold()).isFalse();
        assertThat(list("", false).hosts()).extracting(Host::healthy).containsExactly(true, false, false, false);
    }

    @Test
    void theThresholdComparesInFloatAsNacosDoes() {
        for (int i = 1; i <= 10; i++) {
            register("DEFAULT", "10.0.0." + i, i == 1, true);
        }
        // 1/10 in float equals 0.1f but is above 0.1 as a double: Nacos protects.
        threshold(0.1);
        assertThat(list("", false).reachedProtectThreshold()).isTrue();
    }

    @Test
    void disabledInstancesCountTowardsTheThresholdAsInNacos() {
        register("DEFAULT", "10.0.0.1", true, true);
        register("DEFAULT", "10.0.0.2", true, false);
        register("DEFAULT", "10.0.0.3", false, true);
        threshold(0.6);

        // 2 healthy of 3 (one of them disabled): 0.67 > 0.6, so no protection; the disabled one is still hidden.
        InstanceList list = list("", false);
        assertThat(list.reachedProtectThreshold()).isFalse();
        assertThat(list.hosts()).extracting(Host::ip, Host::healthy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1", true),
                org.assertj.core.groups.Tuple.tuple("10.0.0.3", false));
    }

    @Test
    void theThresholdAppliesToTheSelectedClustersOnly() {
        register("blue", "10.0.0.1", false, true);
        register("green", "10.0.0.2", true, true);
        threshold(0.5);

        assertThat(list("blue", false).reachedProtectThreshold()).isTrue();
        assertThat(list("green", false).reachedProtectThreshold()).isFalse();
        assertThat(list("", false).reachedProtectThreshold()).as("1 of 2 is at the threshold").isTrue();
    }

    @Test
    void theChecksumFollowsTheServedListAndNothingElse() {
        register("DEFAULT", "10.0.0.1", true, true);
        String first = list("", false).checksum();
        assertThat(first).hasSize(32).matches("[0-9a-f]+");
        assertThat(list("", false).checksum()).isEqualTo(first);

        register("DEFAULT", "10.0.0.2", true, true);
        String second = list("", false).checksum();
        assertThat(second).isNotEqualTo(first);

        registry.applied(Commands.setInstanceHealth(300, key("orders", "10.0.0.2", 80), false));
        assertThat(list("", false).checksum()).isNotEqualTo(second);
        assertThat(list("", true).checksum()).as("the same hosts as the first list").isEqualTo(first);
        assertThat(list("", false).lastModifiedMillis()).isEqualTo(300);
    }
}
