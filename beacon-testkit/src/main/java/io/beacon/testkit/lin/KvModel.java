// Owns: the sequential specification of a string key-value store with get / put / append, per key.
package io.beacon.testkit.lin;

/**
 * A key-value store of strings where a missing key reads as "". The output of GET is the string read; the output of
 * PUT and APPEND is an acknowledgement whose content is ignored. A null output is unknown.
 */
public final class KvModel implements Model<String, KvInput, String> {

    public static final KvModel INSTANCE = new KvModel();

    @Override
    public String initial() {
        return "";
    }

    @Override
    public String step(String state, KvInput input, String output) {
        return switch (input.kind()) {
            case GET -> output == null || output.equals(state) ? state : null;
            case PUT -> input.value();
            case APPEND -> state + input.value();
        };
    }

    @Override
    public Object partitionKey(KvInput input) {
        return input.key();
    }

    @Override
    public boolean isReadOnly(KvInput input) {
        return input.kind() == KvInput.Kind.GET;
    }
}
