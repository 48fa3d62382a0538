package io.beacon.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class NacosBeatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBodyGunzipsToTheDoubleEncodedPacketWithEveryDatum() throws IOException {
        int services = 200;
        NacosBeat.Beat beat = NacosBeat.beat(services);

        String body = gunzip(beat.gzipped());
        assertThat(body).isEqualTo(beat.bodyJson());
        JsonNode outer = JSON.readTree(body);
        assertThat(outer.size()).isEqualTo(1);
        assertThat(outer.get("beat").isTextual()).isTrue();
        JsonNode packet = JSON.readTree(outer.get("beat").asText());

        JsonNode peer = packet.get("peer");
        assertThat(peer.get("ip").asText()).isEqualTo(NacosBeat.LEADER);
        assertThat(peer.get("voteFor").asText()).isEqualTo(NacosBeat.LEADER);
        assertThat(peer.get("state").asText()).isEqualTo("LEADER");
        assertThat(peer.get("term").asLong()).isEqualTo(beat.term()).isPositive();
        assertThat(peer.get("heartbeatDueMs").asLong()).isEqualTo(5_000);
        assertThat(peer.get("leaderDueMs").asLong()).isBetween(15_000L, 19_999L);

        JsonNode datums = packet.get("datums");
        assertThat(datums.size()).isEqualTo(2 * services + 1).isEqualTo(beat.datums());
        Set<String> keys = new HashSet<>();
        for (JsonNode datum : datums) {
            keys.add(datum.get("key").asText());
            assertThat(datum.get("timestamp").asLong()).isBetween(1L, 3L);
        }
        Set<String> expected = new HashSet<>();
        expected.add("meta.00-00---000-NACOS_SWITCH_DOMAIN-000---00-00");
        for (int i = 1; i <= services; i++) {
            expected.add("meta.public##DEFAULT_GROUP@@service-" + i);
            expected.add("iplist.public##DEFAULT_GROUP@@service-" + i);
        }
        assertThat(keys).isEqualTo(expected);
    }

    @Test
    void theCounterOfAnInstanceListIsItsNumberOfRegistrations() throws IOException {
        JsonNode datums = JSON.readTree(JSON.readTree(NacosBeat.beat(6).bodyJson()).get("beat").asText())
                .get("datums");
        for (JsonNode datum : datums) {
            String key = datum.get("key").asText();
            long expected = key.startsWith("iplist.")
                    ? 1 + Integer.parseInt(key.substring(key.lastIndexOf('-') + 1)) % 3
                    : 1;
            assertThat(datum.get("timestamp").asLong()).as(key).isEqualTo(expected);
        }
    }

    @Test
    void theBytesGrowRoughlyLinearlyWithTheServices() {
        NacosBeat.Figures small = NacosBeat.of(1_000);
        NacosBeat.Figures large = NacosBeat.of(10_000);

        assertThat((double) large.gzippedBytes() / small.gzippedBytes()).isBetween(5.0, 15.0);
        assertThat((double) large.rawJsonBytes() / small.rawJsonBytes()).isBetween(5.0, 15.0);
        assertThat(large.rawJsonBytes()).isGreaterThan(large.packetJsonBytes());
        assertThat(large.gzippedBytes()).isLessThan(large.rawJsonBytes() / 3);
    }

    @Test
    void theFiguresAddUp() {
        NacosBeat.Figures f = NacosBeat.of(100);

        assertThat(f.datums()).isEqualTo(201);
        int head = NacosHttp.headBytes(NacosHttp.beatRequestHead("10.0.0.2:8848", f.gzippedBytes()));
        assertThat(f.requestHeadBytes()).isEqualTo(head);
        assertThat(f.requestBytes()).isEqualTo(head + f.gzippedBytes());
        assertThat(f.replyBytes()).isGreaterThan(NacosHttp.headBytes(NacosHttp.beatReplyHead()));
        assertThat(f.bytesPerSecond()).isEqualTo((f.requestBytes() + f.replyBytes()) * 2 / 5.0);
    }

    @Test
    void theHeadsAreCountedLineByLine() {
        assertThat(NacosHttp.headBytes(java.util.List.of("GET / HTTP/1.1", "Host: a"))).isEqualTo(14 + 2 + 7 + 2 + 2);
        assertThat(NacosHttp.chunkedBytes(300)).isEqualTo("12c\r\n".length() + 300 + "\r\n0\r\n\r\n".length());
        assertThat(NacosHttp.beatRequestHead("10.0.0.2:8848", 1234))
                .contains("POST /nacos/v1/ns/raft/beat HTTP/1.1", "Content-Encoding: gzip", "Content-Length: 1234");
    }

    @Test
    void briefKeysReplaceTheLongPrefixes() {
        String meta = NacosKeys.serviceMetaKey("service-7");
        String iplist = NacosKeys.instanceListKey("service-7");

        assertThat(meta).isEqualTo("com.alibaba.nacos.naming.domains.meta.public##DEFAULT_GROUP@@service-7");
        assertThat(iplist).isEqualTo("com.alibaba.nacos.naming.iplist.public##DEFAULT_GROUP@@service-7");
        assertThat(NacosKeys.brief(meta)).isEqualTo("meta.public##DEFAULT_GROUP@@service-7");
        assertThat(NacosKeys.brief(iplist)).isEqualTo("iplist.public##DEFAULT_GROUP@@service-7");
        assertThat(NacosKeys.brief(NacosKeys.SWITCH_KEY))
                .isEqualTo("meta.00-00---000-NACOS_SWITCH_DOMAIN-000---00-00");
        assertThat(NacosKeys.expand(NacosKeys.brief(meta))).isEqualTo(meta);
        assertThat(NacosKeys.expand(NacosKeys.brief(iplist))).isEqualTo(iplist);
        assertThatThrownBy(() -> NacosKeys.brief("com.alibaba.nacos.naming.other.x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NacosKeys.expand("other.x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noLongPrefixReachesTheWire() {
        String body = NacosBeat.beat(50).bodyJson();

        assertThat(body).doesNotContain("com.alibaba.nacos");
        assertThat(body).startsWith("{\"beat\":\"{").contains("\\\"datums\\\":[");
    }

    private static String gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
