package io.beacon.bench.peers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerJvmTest {
    @Test
    void theOptionsGiveBothSystemsTheSameHeapAndCollector() {
        assertThat(ServerJvm.of("1g", "g1").options()).containsExactly("-Xms1g", "-Xmx1g");
        assertThat(ServerJvm.of("256m", "Parallel").options())
                .containsExactly("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
        assertThat(ServerJvm.of("1g", "g1").description()).isEqualTo("1g heaps, G1 collector");
    }

    @Test
    void aCollectorOrHeapItDoesNotKnowIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ServerJvm.of("1g", "zgc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither parallel nor g1");
        assertThatThrownBy(() -> ServerJvm.of("lots", "g1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a size");
    }
}
