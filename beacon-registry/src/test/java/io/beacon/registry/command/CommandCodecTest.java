package io.beacon.registry.command;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The versioned binary command format: every command round-trips, and nothing else is accepted. */
class CommandCodecTest {
    private static final Instance INSTANCE = new Instance(key("orders", "10.0.0.1", 8080), 2.5, false, true, false,
            true, Map.of("zone", "eu-1", "version", "ünï"));
    private static final ServiceDefinition DEFINITION =
            new ServiceDefinition(0.4, Map.of("owner", "team-a"), Selector.label("INSTANCE.metadata.zone = 'a'"));

    @Test
    void everyCommandRoundTripsWithItsStamp() {
        List<Command> commands = List.of(new Command.RegisterInstance(INSTANCE),
                new Command.DeregisterInstance(INSTANCE.key()), new Command.UpdateInstance(INSTANCE),
                new Command.CreateService(service("orders"), DEFINITION),
                new Command.UpdateService(service("orders"), ServiceDefinition.DEFAULT),
                new Command.DeleteService(service("orders")),
                new Command.UpdateCluster(service("orders"), "blue", Map.of("k", "v")),
                new Command.SetInstanceHealth(INSTANCE.key(), true),
                new Command.RemoveInstances(List.of(INSTANCE.key(), key("orders", "10.0.0.2", 1))),
                new Command.UpdateSwitches(Map.of("defaultInstanceEphemeral", "false")));
        for (Command command : commands) {
            StampedCommand decoded = CommandCodec.decode(CommandCodec.encode(1_700_000_000_123L, command));
            assertThat(decoded.stampMillis()).isEqualTo(1_700_000_000_123L);
            assertThat(decoded.command()).isEqualTo(command);
        }
    }

    @Test
    void theFactoriesBuildTheCommandsTheyName() {
        assertThat(CommandCodec.decode(Commands.registerInstance(5, INSTANCE)))
                .isEqualTo(new StampedCommand(5, new Command.RegisterInstance(INSTANCE)));
        assertThat(CommandCodec.decode(Commands.setInstanceHealth(6, INSTANCE.key(), false)))
                .isEqualTo(new StampedCommand(6, new Command.SetInstanceHealth(INSTANCE.key(), false)));
        assertThat(CommandCodec.decode(Commands.createService(7, service("a"), DEFINITION)).command())
                .isEqualTo(new Command.CreateService(service("a"), DEFINITION));
    }

    @Test
    void anUnknownFormatVersionIsRefusedByName() {
        byte[] command = Commands.deleteService(1, service("orders"));
        command[0] = 9;
        assertThatThrownBy(() -> CommandCodec.decode(command)).isInstanceOf(MalformedCommandException.class)
                .hasMessageContaining("format version 9 is unknown").hasMessageContaining("reads version 1");
    }

    @Test
    void garbageIsRefusedWithWhatIsWrong() {
        byte[] valid = Commands.registerInstance(1, INSTANCE);
        assertThatThrownBy(() -> CommandCodec.decode(new byte[0])).hasMessageContaining("at least 2 bytes");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {1, 42, 0, 0, 0, 0, 0, 0, 0, 0}))
                .isInstanceOf(MalformedCommandException.class).hasMessageContaining("command type 42 is unknown");
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(valid, valid.length - 3)))
                .isInstanceOf(MalformedCommandException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(valid, valid.length + 2)))
                .isInstanceOf(MalformedCommandException.class).hasMessageContaining("2 bytes follow the command");
        byte[] badBoolean = Commands.setInstanceHealth(1, INSTANCE.key(), true);
        badBoolean[badBoolean.length - 1] = 7;
        assertThatThrownBy(() -> CommandCodec.decode(badBoolean)).hasMessageContaining("not a boolean");
        byte[] badLength = Commands.deleteService(1, service("orders"));
        badLength[10] = (byte) 0xff;
        assertThatThrownBy(() -> CommandCodec.decode(badLength)).hasMessageContaining("impossible length");
    }

    @Test
    void impossibleCountsAndTooShortCommandsAreNamed() {
        byte[] remove = Commands.removeInstances(1, List.of());
        remove[remove.length - 1] = -1;
        remove[remove.length - 4] = -1;
        assertThatThrownBy(() -> CommandCodec.decode(remove)).hasMessageContaining("impossible count");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {1, 6})).hasMessageContaining("truncated");
    }

    @Test
    void commandsNeedTheirParts() {
        assertThatThrownBy(() -> new Command.RegisterInstance(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instance");
        assertThatThrownBy(() -> new Command.UpdateCluster(service("a"), null, Map.of()))
                .hasMessageContaining("clusterName");
    }

    private static InstanceKey key(String service, String ip, int port) {
        return new InstanceKey(service(service), "DEFAULT", ip, port);
    }

    private static ServiceKey service(String name) {
        return ServiceKey.of(name);
    }
}
