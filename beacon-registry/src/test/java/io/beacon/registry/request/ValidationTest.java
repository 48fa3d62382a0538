package io.beacon.registry.request;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Request parsing before anything is proposed: Nacos's defaults, and 400 with Nacos's text for bad input. */
class ValidationTest {
    private static final RegistrySwitches DEFAULT_SWITCHES = RegistrySwitches.of(Map.of());

    private static RequestParams params(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return RequestParams.of(map);
    }

    private static void refused(Runnable parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(InvalidRequestException.class).hasMessage(message)
                .satisfies(e -> assertThat(((InvalidRequestException) e).httpStatus()).isEqualTo(400));
    }

    @Test
    void aRegistrationGetsNacosDefaults() {
        Instance instance = Validation.instance(params("serviceName", "orders", "ip", "10.0.0.1", "port", "8080"),
                DEFAULT_SWITCHES);

        assertThat(instance).isEqualTo(Instance.of(new InstanceKey(ServiceKey.of("orders"), "DEFAULT", "10.0.0.1",
                8080)));
    }

    @Test
    void aRegistrationReadsEveryParameter() {
        Instance instance = Validation.instance(params("namespaceId", "dev", "serviceName", "G@@orders",
                "groupName", "ignored", "clusterName", "blue", "ip", "10.0.0.1", "port", "8080", "weight", "2.5",
                "healthy", "false", "enabled", "false", "enable", "true", "ephemeral", "false",
                "metadata", "{\"zone\":\"a\"}"), DEFAULT_SWITCHES);

        assertThat(instance).isEqualTo(new Instance(new InstanceKey(new ServiceKey("dev", "G", "orders"), "blue",
                "10.0.0.1", 8080), 2.5, false, false, false, false, Map.of("zone", "a")));
    }

    @Test
    void fallbacksAreNacosOnes() {
        Instance instance = Validation.instance(params("serviceName", "orders", "groupName", "PAY", "cluster",
                "green", "ip", "10.0.0.1", "port", "1", "enable", "false"), DEFAULT_SWITCHES);
        assertThat(instance.key().service()).isEqualTo(new ServiceKey("public", "PAY", "orders"));
        assertThat(instance.key().clusterName()).isEqualTo("green");
        assertThat(instance.enabled()).isFalse();

        RegistrySwitches persistentByDefault = RegistrySwitches.of(Map.of(
                RegistrySwitches.DEFAULT_INSTANCE_EPHEMERAL, "false"));
        assertThat(Validation.instance(params("serviceName", "s", "ip", "10.0.0.1", "port", "1"), persistentByDefault)
                .ephemeral()).isFalse();
        assertThat(Validation.instance(params("serviceName", "s", "ip", "10.0.0.1", "port", "1", "ephemeral", "YES"),
                persistentByDefault).ephemeral()).isTrue();
    }

    @Test
    void ipPortAndServiceNameAreRequired() {
        refused(() -> Validation.instance(params("serviceName", "s", "port", "1"), DEFAULT_SWITCHES),
                "Param 'ip' is required.");
        refused(() -> Validation.instance(params("serviceName", "s", "ip", "10.0.0.1"), DEFAULT_SWITCHES),
                "Param 'port' is required.");
        refused(() -> Validation.instanceKey(params("ip", "10.0.0.1", "port", "1")),
                "Param 'serviceName' is required.");
        refused(() -> Validation.instanceKey(params("serviceName", " ", "ip", "10.0.0.1", "port", "1")),
                "Param 'serviceName' is required.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1%eth0",
            "2001:db8:0:0:0:0:2:1", "2001:db8::2:1", "::ffff:192.168.1.1", "1:2:3:4:5:6:1.2.3.4", "host-1.example.com",
            "my_host", "localhost", "1:2:3:4:5:6:7::", "fe80::1%eth0.5"})
    void wellFormedAddressesAndHostNamesAreAccepted(String ip) {
        assertThat(Validation.instanceKey(params("serviceName", "s", "ip", ip, "port", "1")).ip()).isEqualTo(ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "10.0.0", "10.0.0.1.2", "10..0.1", "1.2.3.4.", "1234.1.1.1", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "g::1", ":::", "::ffff:1.2.3", "fe80::1%", "ex ample", "a..b",
            ".host", "host/x", "1.2.3.4::", "0001.1.1.1", "299.1.1.1", "1:2:3:4:5:6:7::8", "1::2:", "hóst",
            "host.", "fe80::1%eth 0", "fe80::１"})
    void malformedAddressesAreRefused(String ip) {
        refused(() -> Validation.instanceKey(params("serviceName", "s", "ip", ip, "port", "1")),
                "instance format invalid: Your IP address is spelled incorrectly");
    }

    @Test
    void hostNamesHaveALengthLimit() {
        String longest = "a".repeat(253);
        assertThat(Validation.instanceKey(params("serviceName", "s", "ip", longest, "port", "1")).ip())
                .isEqualTo(longest);
        refused(() -> Validation.instanceKey(params("serviceName", "s", "ip", longest + "a", "port", "1")),
                "instance format invalid: Your IP address is spelled incorrectly");
    }

    @Test
    void portsMustBeBetween0And65535() {
        assertThat(Validation.port("0")).isZero();
        assertThat(Validation.port("65535")).isEqualTo(65_535);
        for (String port : new String[] {"65536", "-1", "http", "1.5", ""}) {
            refused(() -> Validation.port(port),
                    "instance format invalid: port must be an integer from 0 to 65535, was " + port);
        }
    }

    @Test
    void weightsMustLieIn0To10000() {
        assertThat(Validation.weight(null)).isEqualTo(1.0);
        assertThat(Validation.weight("0")).isZero();
        assertThat(Validation.weight("10000")).isEqualTo(10_000.0);
        assertThat(Validation.weight("0.001")).as("clamped later, on apply").isEqualTo(0.001);
        for (String weight : new String[] {"10000.5", "-0.1", "NaN", "Infinity"}) {
            refused(() -> Validation.weight(weight), "instance format invalid: The weights range from 0.0 to 10000.0");
        }
        refused(() -> Validation.weight("heavy"), "Param 'weight' is not a number: heavy");
    }

    @Test
    void namespacesWithDotDotOrSlashAreRefused() {
        assertThat(Validation.namespaceId(params())).isEqualTo("public");
        assertThat(Validation.namespaceId(params("namespaceId", ""))).isEqualTo("public");
        assertThat(Validation.namespaceId(params("namespaceId", "dev.team-1"))).isEqualTo("dev.team-1");
        for (String namespace : new String[] {"..", "a/../b", "a/b", "x.."}) {
            refused(() -> Validation.namespaceId(params("namespaceId", namespace)),
                    "Param 'namespaceId' is illegal, it must not contain '..' or '/': " + namespace);
        }
        refused(() -> Validation.serviceKey(params("namespaceId", "../etc", "serviceName", "s")),
                "Param 'namespaceId' is illegal, it must not contain '..' or '/': ../etc");
    }

    @Test
    void serviceAndClusterNamesFollowNacosSyntax() {
        assertThat(Validation.serviceKey(params("serviceName", "com.example:orders_v1-x")))
                .isEqualTo(ServiceKey.of("com.example:orders_v1-x"));
        refused(() -> Validation.serviceKey(params("serviceName", "orders service")),
                "dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@orders service");
        refused(() -> Validation.serviceKey(params("serviceName", "@@orders")),
                "dom name can only have these characters: 0-9a-zA-Z-._:, current: @@orders");
        refused(() -> Validation.serviceKey(params("serviceName", "a@@b@@c")),
                "dom name can only have these characters: 0-9a-zA-Z-._:, current: a@@b@@c");
        assertThat(Validation.clusterName(params())).isEqualTo("DEFAULT");
        refused(() -> Validation.clusterName(params("clusterName", "blue_1")),
                "cluster name can only have these characters: 0-9a-zA-Z-, current: blue_1");
    }

    @Test
    void metadataComesAsJsonOrAsPairs() {
        assertThat(MetadataParser.parse(null)).isEmpty();
        assertThat(MetadataParser.parse("  ")).isEmpty();
        assertThat(MetadataParser.parse("{}")).isEmpty();
        assertThat(MetadataParser.parse(" { \"zone\" : \"eu\\u002d1\", \"weight\": -2.5e3, \"on\":true, "
                + "\"off\":false, \"esc\":\"a\\\"b\\\\c\\n\" } "))
                .containsExactly(Map.entry("esc", "a\"b\\c\n"), Map.entry("off", "false"), Map.entry("on", "true"),
                        Map.entry("weight", "-2.5e3"), Map.entry("zone", "eu-1"));
        assertThat(MetadataParser.parse("version=1,zone=a b")).containsExactly(Map.entry("version", "1"),
                Map.entry("zone", "a b"));
        assertThat(MetadataParser.parse("k=1,k=2")).containsExactly(Map.entry("k", "2"));
    }

    @Test
    void badMetadataIsRefusedSayingWhy() {
        refused(() -> MetadataParser.parse("version"),
                "metadata format incorrect:version (expected key=value pairs separated by ',', got 'version')");
        refused(() -> MetadataParser.parse("a=1=2"),
                "metadata format incorrect:a=1=2 (expected key=value pairs separated by ',', got 'a=1=2')");
        refused(() -> MetadataParser.parse("a="),
                "metadata format incorrect:a= (expected key=value pairs separated by ',', got 'a=')");
        refused(() -> MetadataParser.parse("=v"),
                "metadata format incorrect:=v (expected key=value pairs separated by ',', got '=v')");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":{\"b\":1}}")).hasMessageContaining("object or array");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":[1]}")).hasMessageContaining("object or array");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":null}")).hasMessageContaining("is null");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":1")).hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":1} x")).hasMessageContaining("after the object");
        assertThatThrownBy(() -> MetadataParser.parse("{a:1}")).hasMessageContaining("expected '\"'");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":01}")).hasMessageContaining("not a string, number");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":\"\\x\"}")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":tru}")).hasMessageContaining("not a string, number");
        assertThatThrownBy(() -> MetadataParser.parse("{\"a\":1,}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("metadata format incorrect:{\"a\":1,} (invalid JSON at offset");
    }

    @Test
    void metadataHasSizeLimits() {
        refused(() -> MetadataParser.parse("k=" + "v".repeat(MetadataParser.MAX_TEXT_CHARS)),
                "metadata format incorrect:k=" + "v".repeat(62) + "... (longer than 16384 characters)");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= MetadataParser.MAX_ENTRIES; i++) {
            many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        assertThatThrownBy(() -> MetadataParser.parse(many.toString())).hasMessageEndingWith("(more than 128 entries)");
        assertThatThrownBy(() -> MetadataParser.parse("k".repeat(257) + "=v"))
                .hasMessageEndingWith("(key longer than 256 characters)");
        assertThatThrownBy(() -> MetadataParser.parse("k=" + "v".repeat(4097)))
                .hasMessageEndingWith("(value of 'k' longer than 4096 characters)");
        assertThat(MetadataParser.parse("k=" + "v".repeat(4096))).hasSize(1);
        assertThat(MetadataParser.parse("k".repeat(256) + "=v")).hasSize(1);
        assertThat(MetadataParser.parse(many.substring(0, many.lastIndexOf(",")))).hasSize(128);
        String longestText = "{\"k\":\"" + "v".repeat(MetadataParser.MAX_TEXT_CHARS - 8) + "\"}";
        assertThatThrownBy(() -> MetadataParser.parse(longestText)).as("within the text limit, over the value limit")
                .hasMessageEndingWith("(value of 'k' longer than 4096 characters)");
    }

    @Test
    void aServiceDefinitionReadsThresholdMetadataAndSelector() {
        assertThat(Validation.serviceDefinition(params())).isEqualTo(ServiceDefinition.DEFAULT);
        assertThat(Validation.serviceDefinition(params("protectThreshold", "0.5", "metadata", "a=1", "selector",
                "{\"type\":\"label\",\"expression\":\"INSTANCE.metadata.zone%20=%20'a'\"}")))
                .isEqualTo(new ServiceDefinition(0.5, Map.of("a", "1"),
                        Selector.label("INSTANCE.metadata.zone = 'a'")));
        refused(() -> Validation.serviceDefinition(params("protectThreshold", "half")),
                "Param 'protectThreshold' is not a number: half");
        refused(() -> Validation.serviceDefinition(params("protectThreshold", "NaN")),
                "Param 'protectThreshold' is not a number: NaN");
    }

    @Test
    void selectorsAreNoneOrLabel() {
        assertThat(Validation.selector("")).isEqualTo(Selector.NONE);
        assertThat(Validation.selector("{\"type\":\"none\"}")).isEqualTo(Selector.NONE);
        assertThat(Validation.selector("{\"type\":\"label\",\"expression\":\" \"}")).isEqualTo(Selector.NONE);
        refused(() -> Validation.selector("{\"type\":\"cmdb\"}"), "not match any type of selector!");
        refused(() -> Validation.selector("{}"), "not match any type of selector!");
        assertThatThrownBy(() -> Validation.selector("label")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("selector is not a flat JSON object");
    }

    @Test
    void booleansReadAsCommonsLangDoes() {
        for (String yes : new String[] {"true", "TRUE", "on", "Yes", "y", "t"}) {
            assertThat(Validation.bool(yes, false)).as(yes).isTrue();
        }
        for (String no : new String[] {"false", "off", "no", "1", "maybe"}) {
            assertThat(Validation.bool(no, true)).as(no).isFalse();
        }
        assertThat(Validation.bool(null, true)).isTrue();
        assertThat(Validation.bool("", false)).isFalse();
    }

    @Test
    void pagingParametersAreWholeNumbersFromOne() {
        assertThat(Validation.positiveInt(params("pageNo", "3"), "pageNo")).isEqualTo(3);
        refused(() -> Validation.positiveInt(params(), "pageNo"), "Param 'pageNo' is required.");
        refused(() -> Validation.positiveInt(params("pageNo", "0"), "pageNo"),
                "Param 'pageNo' must be at least 1: 0");
        refused(() -> Validation.positiveInt(params("pageSize", "x"), "pageSize"),
                "Param 'pageSize' is not a number: x");
    }

    @Test
    void switchUpdatesNameAKnownSwitchAndATypedValue() {
        assertThat(Validation.switchUpdate(params("entry", "defaultInstanceEphemeral", "value", "FALSE")))
                .containsExactly(Map.entry("defaultInstanceEphemeral", "false"));
        assertThat(Validation.switchUpdate(params("entry", "clientBeatInterval", "value", "3000")))
                .containsExactly(Map.entry("clientBeatInterval", "3000"));
        refused(() -> Validation.switchUpdate(params("entry", "nope", "value", "1")), "update entry not found: nope");
        refused(() -> Validation.switchUpdate(params("entry", "lightBeatEnabled", "value", "1")),
                "Param 'value' of lightBeatEnabled must be true or false: 1");
        refused(() -> Validation.switchUpdate(params("entry", "defaultCacheMillis", "value", "-5")),
                "Param 'value' is not a number: -5");
    }
}
