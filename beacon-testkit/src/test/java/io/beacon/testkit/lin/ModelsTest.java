// Owns: unit tests of the sequential specifications (CAS register and key-value store).
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelsTest {

    private final CasRegisterModel register = CasRegisterModel.INSTANCE;
    private final KvModel kv = KvModel.INSTANCE;

    @Test
    void aRegisterStartsAbsentAndReadsMustMatchTheState() {
        RegisterValue state = register.initial();
        assertThat(state).isEqualTo(RegisterValue.ABSENT);
        assertThat(register.step(state, RegisterInput.read("x"), RegisterValue.ABSENT)).isEqualTo(state);
        assertThat(register.step(state, RegisterInput.read("x"), RegisterValue.of("1"))).isNull();
        assertThat(register.step(state, RegisterInput.read("x"), null)).isEqualTo(state);
    }

    @Test
    void absentIsAValueDistinctFromUnknown() {
        RegisterValue one = RegisterValue.of("1");
        assertThat(register.step(one, RegisterInput.read("x"), RegisterValue.ABSENT)).isNull();
        assertThat(register.step(one, RegisterInput.read("x"), null)).isEqualTo(one);
        assertThat(RegisterValue.of(null)).isSameAs(RegisterValue.ABSENT);
    }

    @Test
    void writesAlwaysApplyAndANullValueRemovesTheKey() {
        assertThat(register.step(RegisterValue.ABSENT, RegisterInput.write("x", "2"), WriteAck.OK))
            .isEqualTo(RegisterValue.of("2"));
        assertThat(register.step(RegisterValue.of("2"), RegisterInput.write("x", null), null))
            .isEqualTo(RegisterValue.ABSENT);
    }

    @Test
    void casSwapsOnlyWhenTheValueMatchesAndItsOutcomeMustAgree() {
        RegisterValue one = RegisterValue.of("1");
        RegisterInput swapOneForTwo = RegisterInput.cas("x", "1", "2");
        assertThat(register.step(one, swapOneForTwo, true)).isEqualTo(RegisterValue.of("2"));
        assertThat(register.step(one, swapOneForTwo, false)).isNull();
        assertThat(register.step(one, swapOneForTwo, null)).isEqualTo(RegisterValue.of("2"));
        RegisterValue three = RegisterValue.of("3");
        assertThat(register.step(three, swapOneForTwo, false)).isEqualTo(three);
        assertThat(register.step(three, swapOneForTwo, true)).isNull();
        assertThat(register.step(three, swapOneForTwo, null)).isEqualTo(three);
        assertThat(register.step(RegisterValue.ABSENT, RegisterInput.cas("x", null, "1"), true)).isEqualTo(one);
    }

    @Test
    void wronglyTypedOutputsAreRejected() {
        assertThatThrownBy(() -> register.step(RegisterValue.ABSENT, RegisterInput.read("x"), "1"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> register.step(RegisterValue.ABSENT, RegisterInput.cas("x", "1", "2"), "ok"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> register.step(RegisterValue.ABSENT, RegisterInput.write("x", "1"), true))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registerInputsPartitionByKeyAndOnlyReadsAreReadOnly() {
        assertThat(register.partitionKey(RegisterInput.cas("k", "1", "2"))).isEqualTo("k");
        assertThat(register.isReadOnly(RegisterInput.read("k"))).isTrue();
        assertThat(register.isReadOnly(RegisterInput.write("k", "1"))).isFalse();
        assertThat(RegisterInput.cas("k", null, "2")).hasToString("cas(k, nil->2)");
        assertThatThrownBy(() -> new RegisterInput(RegisterInput.Kind.READ, "k", "1", null))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyValueStoreReadsEmptyForAMissingKeyAndAppends() {
        String state = kv.initial();
        assertThat(kv.step(state, KvInput.get("k"), "")).isEqualTo("");
        state = kv.step(state, KvInput.append("k", "a"), "ok");
        state = kv.step(state, KvInput.append("k", "b"), null);
        assertThat(state).isEqualTo("ab");
        assertThat(kv.step(state, KvInput.get("k"), "ab")).isEqualTo("ab");
        assertThat(kv.step(state, KvInput.get("k"), "a")).isNull();
        assertThat(kv.step(state, KvInput.put("k", "z"), "ok")).isEqualTo("z");
        assertThat(kv.isReadOnly(KvInput.get("k"))).isTrue();
        assertThat(kv.partitionKey(KvInput.put("k", "z"))).isEqualTo("k");
    }
}
