package io.beacon.registry;

import io.beacon.registry.command.Commands;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over random command sequences on a small universe of names (so commands collide): snapshots restore
 * to a registry that answers every query alike and keeps writing the same bytes, and equal inputs give equal
 * bytes.
 */
class RegistryPropertiesTest {
    private static final List<ServiceKey> SERVICES = List.of(ServiceKey.of("a"), ServiceKey.of("b"),
            new ServiceKey("public", "G", "a"), new ServiceKey("dev", "DEFAULT_GROUP", "a"));
    private static final List<String> CLUSTERS = List.of("DEFAULT", "blue");
    private static final List<String> IPS = List.of("10.0.0.1", "10.0.0.2", "fe80::1");

    @Provide
    Arbitrary<List<byte[]>> commands() {
        Arbitrary<InstanceKey> keys = Combinators.combine(Arbitraries.of(SERVICES), Arbitraries.of(CLUSTERS),
                Arbitraries.of(IPS), Arbitraries.of(80, 81)).as(InstanceKey::new);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(Arbitraries.of("zone", "v", "preserved.x"),
                Arbitraries.of("1", "2", "ü")).ofMaxSize(2);
        Arbitrary<Instance> instances = Combinators.combine(keys, Arbitraries.of(0.0, 0.005, 1.0, 2.5, 20_000.0),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, Arbitraries.just(false)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(true))), metadata)
                .as(Instance::new);
        Arbitrary<ServiceDefinition> definitions = Combinators.combine(Arbitraries.of(0.0, 0.5, 1.0), metadata,
                Arbitraries.of(Selector.NONE, Selector.label("a=b"))).as(ServiceDefinition::new);
        Arbitrary<Long> stamps = Arbitraries.longs().between(0, 1_000_000);
        Arbitrary<byte[]> command = Arbitraries.oneOf(
                Combinators.combine(stamps, instances).as(Commands::registerInstance),
                Combinators.combine(stamps, instances).as(Commands::registerInstance),
                Combinators.combine(stamps, keys).as(Commands::deregisterInstance),
                Combinators.combine(stamps, instances).as(Commands::updateInstance),
                Combinators.combine(stamps, Arbitraries.of(SERVICES), definitions).as(Commands::createService),
                Combinators.combine(stamps, Arbitraries.of(SERVICES), definitions).as(Commands::updateService),
                Combinators.combine(stamps, Arbitraries.of(SERVICES)).as(Commands::deleteService),
                Combinators.combine(stamps, Arbitraries.of(SERVICES), Arbitraries.of(CLUSTERS), metadata)
                        .as(Commands::updateCluster),
                Combinators.combine(stamps, keys, Arbitraries.of(true, false)).as(Commands::setInstanceHealth),
                Combinators.combine(stamps, keys.list().ofMaxSize(3)).as(Commands::removeInstances),
                Combinators.combine(stamps, Arbitraries.of("true", "false"))
                        .as((stamp, value) -> Commands.updateSwitches(stamp,
                                Map.of(RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL, value))));
        return command.list().ofMaxSize(60);
    }

    @Property(tries = 200)
    void aRestoredSnapshotAnswersAlikeAndKeepsWritingTheSameBytes(@ForAll("commands") List<byte[]> before,
                                                                  @ForAll("commands") List<byte[]> after)
            throws IOException {
        TestRegistry original = new TestRegistry();
        before.forEach(original::apply);
        byte[] snapshot = original.snapshot();

        NamingRegistry restored = TestRegistry.restored(snapshot, original.index());

        assertThat(TestRegistry.snapshotOf(restored)).isEqualTo(snapshot);
        assertThat(answers(restored)).isEqualTo(answers(original.registry));

        TestRegistry continued = new TestRegistry();
        continued.registry.restoreSnapshot(new java.io.ByteArrayInputStream(snapshot), 0);
        List<ApplyResult> originalResults = new ArrayList<>();
        List<ApplyResult> continuedResults = new ArrayList<>();
        for (byte[] command : after) {
            originalResults.add(original.apply(command));
            continuedResults.add(continued.apply(command));
        }
        assertThat(continuedResults).isEqualTo(originalResults);
        assertThat(continued.snapshot()).isEqualTo(original.snapshot());
        assertThat(answers(continued.registry)).isEqualTo(answers(original.registry));
    }

    @Property(tries = 200)
    void twoRegistriesFedTheSameCommandsWriteIdenticalSnapshots(@ForAll("commands") List<byte[]> commands) {
        TestRegistry first = new TestRegistry();
        TestRegistry second = new TestRegistry();
        List<ApplyResult> firstResults = new ArrayList<>();
        List<ApplyResult> secondResults = new ArrayList<>();
        commands.forEach(command -> firstResults.add(first.apply(command)));
        commands.forEach(command -> secondResults.add(second.apply(command)));

        assertThat(second.snapshot()).isEqualTo(first.snapshot());
        assertThat(secondResults).isEqualTo(firstResults);
    }

    /** Every query's answer over the universe, in a fixed order. */
    private static List<Object> answers(NamingRegistry registry) {
        List<Object> answers = new ArrayList<>();
        for (ServiceKey service : SERVICES) {
            answers.add(registry.service(service));
            answers.add(registry.instances(service));
            answers.add(registry.instanceList(service, "", false));
            answers.add(registry.instanceList(service, "blue", true));
            for (String cluster : CLUSTERS) {
                answers.add(registry.clusterInstances(service, cluster));
            }
            answers.add(registry.serviceNames(service.namespaceId(), service.groupName(), 1, 10));
            answers.add(registry.catalogServices(service.namespaceId(), null, null, 1, 10));
        }
        answers.add(registry.serviceCount());
        answers.add(registry.instanceCount());
        answers.add(registry.ephemeralInstances());
        answers.add(registry.switches().all());
        return answers;
    }
}
