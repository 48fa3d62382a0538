package io.beacon.registry;

import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.Page;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.beacon.registry.TestRegistry.key;
import static io.beacon.registry.TestRegistry.service;
import static org.assertj.core.api.Assertions.assertThat;

/** Service listings, catalog, single-instance and cluster queries, and counts. */
class ServiceQueriesTest {
    private final TestRegistry registry = new TestRegistry();

    private void create(ServiceKey key) {
        registry.applied(Commands.createService(1, key, ServiceDefinition.DEFAULT));
    }

    @Test
    void serviceNamesAreSortedPagedAndCounted() {
        for (String name : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            create(service(name));
        }
        create(new ServiceKey("public", "OTHER", "zulu"));
        create(new ServiceKey("dev", "DEFAULT_GROUP", "yankee"));

        assertThat(registry.registry.serviceNames("public", "DEFAULT_GROUP", 1, 2))
                .isEqualTo(new Page<>(5, List.of("alpha", "bravo")));
        assertThat(registry.registry.serviceNames("public", "DEFAULT_GROUP", 2, 2))
                .isEqualTo(new Page<>(5, List.of("charlie", "delta")));
        assertThat(registry.registry.serviceNames("public", "DEFAULT_GROUP", 3, 2))
                .isEqualTo(new Page<>(5, List.of("echo")));
        assertThat(registry.registry.serviceNames("public", "DEFAULT_GROUP", 4, 2)).isEqualTo(new Page<>(5, List.of()));
        assertThat(registry.registry.serviceNames("public", "DEFAULT_GROUP", 1, 100).items()).hasSize(5);
        assertThat(registry.registry.serviceNames("public", "OTHER", 1, 10)).isEqualTo(new Page<>(1, List.of("zulu")));
        assertThat(registry.registry.serviceNames("dev", "DEFAULT_GROUP", 1, 10).items()).containsExactly("yankee");
        assertThat(registry.registry.serviceNames("prod", "DEFAULT_GROUP", 1, 10)).isEqualTo(new Page<>(0, List.of()));
    }

    @Test
    void groupsThatShareAPrefixStayApart() {
        create(new ServiceKey("public", "G", "a"));
        create(new ServiceKey("public", "G2", "b"));
        create(new ServiceKey("public", "G\u0001", "c"));
        create(new ServiceKey("publicity", "G", "d"));

        assertThat(registry.registry.serviceNames("public", "G", 1, 10).items()).containsExactly("a");
        assertThat(registry.registry.catalogServices("public", null, null, 1, 10).items())
                .extracting(summary -> summary.key().serviceName()).containsExactly("a", "c", "b");
    }

    @Test
    void pagesOutsideTheListAreEmpty() {
        assertThat(Page.of(List.of(1, 2, 3), 0, 2)).isEqualTo(new Page<>(3, List.of(1, 2)));
        assertThat(Page.of(List.of(1, 2, 3), 2, 0)).isEqualTo(new Page<>(3, List.of()));
        assertThat(Page.of(List.of(1, 2, 3), Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(new Page<>(3, List.of()));
    }

    @Test
    void theCatalogCountsClustersInstancesAndHealthyInstances() {
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "blue", "10.0.0.1", 80))));
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "green", "10.0.0.2", 80))));
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "green", "10.0.0.3", 80))));
        registry.applied(Commands.setInstanceHealth(2, key("orders", "green", "10.0.0.3", 80), false));
        create(service("billing"));
        create(new ServiceKey("public", "PAY", "ledger"));

        Page<ServiceSummary> all = registry.registry.catalogServices("public", "", "", 1, 10);
        assertThat(all.items()).containsExactly(new ServiceSummary(service("billing"), 0, 0, 0),
                new ServiceSummary(service("orders"), 2, 3, 2),
                new ServiceSummary(new ServiceKey("public", "PAY", "ledger"), 0, 0, 0));
        assertThat(registry.registry.catalogServices("public", "PAY", null, 1, 10).items()).hasSize(1);
        assertThat(registry.registry.catalogServices("public", null, "rde", 1, 10).items())
                .extracting(s -> s.key().serviceName()).containsExactly("orders");
        assertThat(registry.registry.catalogServices("public", null, null, 2, 2).totalCount()).isEqualTo(3);
    }

    @Test
    void singleInstancesAndClustersAreFoundByKey() {
        InstanceKey blue = key("orders", "blue", "10.0.0.1", 80);
        registry.applied(Commands.registerInstance(1, Instance.of(blue)));
        registry.applied(Commands.registerInstance(1, Instance.of(key("orders", "blue", "10.0.0.0", 80))));

        assertThat(registry.registry.instance(blue)).contains(Instance.of(blue));
        assertThat(registry.registry.instance(key("orders", "green", "10.0.0.1", 80))).isEmpty();
        assertThat(registry.registry.instance(key("absent", "blue", "10.0.0.1", 80))).isEmpty();
        assertThat(registry.registry.clusterInstances(service("orders"), "blue").orElseThrow())
                .extracting(i -> i.key().ip()).containsExactly("10.0.0.0", "10.0.0.1");
        assertThat(registry.registry.clusterInstances(service("orders"), "green")).isEmpty();
        assertThat(registry.registry.clusterInstances(service("absent"), "blue")).isEmpty();
        assertThat(registry.registry.instances(service("orders")).orElseThrow()).hasSize(2);
    }

    @Test
    void countsForMetrics() {
        assertThat(registry.registry.serviceCount()).isZero();
        assertThat(registry.registry.instanceCount()).isZero();
        registry.applied(Commands.registerInstance(1, Instance.of(key("a", "10.0.0.1", 80))));
        registry.applied(Commands.registerInstance(1, Instance.of(key("a", "10.0.0.2", 80)).withEphemeral(false)));
        registry.applied(Commands.registerInstance(1, Instance.of(key("b", "10.0.0.1", 80))));

        assertThat(registry.registry.serviceCount()).isEqualTo(2);
        assertThat(registry.registry.instanceCount()).isEqualTo(3);
        assertThat(registry.registry.ephemeralInstances()).extracting(Instance::key)
                .containsExactly(key("a", "10.0.0.1", 80), key("b", "10.0.0.1", 80));
    }
}
