package io.beacon.registry.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model's values: grouped names, keys, selectors, metadata copies and pages. */
class ModelTest {

    @Test
    void groupedNamesSplitAndJoinAsNacosDoes() {
        assertThat(ServiceNames.grouped("G", "orders")).isEqualTo("G@@orders");
        assertThat(ServiceNames.groupOf("G@@orders", "DEFAULT_GROUP")).isEqualTo("G");
        assertThat(ServiceNames.groupOf("orders", "DEFAULT_GROUP")).isEqualTo("DEFAULT_GROUP");
        assertThat(ServiceNames.bareName("G@@orders")).isEqualTo("orders");
        assertThat(ServiceNames.bareName("orders")).isEqualTo("orders");
        assertThat(ServiceNames.bareName("@orders")).isEqualTo("@orders");
        assertThat(ServiceNames.key("dev", "PAY", "orders")).isEqualTo(new ServiceKey("dev", "PAY", "orders"));
        assertThat(ServiceNames.key("dev", null, "orders")).isEqualTo(new ServiceKey("dev", "DEFAULT_GROUP", "orders"));
        assertThat(ServiceNames.key("dev", " ", "orders")).isEqualTo(new ServiceKey("dev", "DEFAULT_GROUP", "orders"));
        assertThat(ServiceNames.key("dev", "PAY", "G@@orders")).isEqualTo(new ServiceKey("dev", "G", "orders"));
    }

    @Test
    void keysNeedEveryPartAndPrintLikeNacosKeys() {
        assertThatThrownBy(() -> new ServiceKey("public", "", "orders")).hasMessageContaining("groupName");
        assertThatThrownBy(() -> new ServiceKey(null, "G", "orders")).hasMessageContaining("namespaceId");
        assertThatThrownBy(() -> new InstanceKey(ServiceKey.of("a"), "DEFAULT", "", 1)).hasMessageContaining("ip");
        assertThatThrownBy(() -> new InstanceKey(null, "DEFAULT", "1.1.1.1", 1)).hasMessageContaining("service");
        assertThat(ServiceKey.of("orders")).hasToString("public##DEFAULT_GROUP@@orders");
        assertThat(new InstanceKey(ServiceKey.of("orders"), "blue", "10.0.0.1", 80))
                .hasToString("public##10.0.0.1#80#blue#DEFAULT_GROUP@@orders");
    }

    @Test
    void selectorsAreNoneOrLabel() {
        assertThat(Selector.label("a=b")).isEqualTo(new Selector("label", "a=b"));
        assertThat(new Selector("none", "ignored")).isEqualTo(Selector.NONE);
        assertThatThrownBy(() -> new Selector("cmdb", "x")).hasMessageContaining("none or label");
    }

    @Test
    void metadataIsCopiedSortedAndRefusesNulls() {
        Map<String, String> source = new HashMap<>(Map.of("b", "2", "a", "1"));
        Instance instance = Instance.of(new InstanceKey(ServiceKey.of("s"), "DEFAULT", "1.1.1.1", 1))
                .withMetadata(source);
        source.put("c", "3");
        assertThat(instance.metadata()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> instance.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> instance.withMetadata(withNull)).hasMessageContaining("must not be null");
    }

    @Test
    void pagesOfOneItem() {
        assertThat(Page.of(List.of("a", "b", "c"), 2, 1)).isEqualTo(new Page<>(3, List.of("b")));
        assertThat(Page.of(List.of("a", "b", "c"), 3, 1)).isEqualTo(new Page<>(3, List.of("c")));
    }
}
