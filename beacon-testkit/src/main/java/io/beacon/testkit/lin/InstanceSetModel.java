// Owns: the sequential specification of a service's instances as a set, per service (verification.md §1.4).
package io.beacon.testkit.lin;

/**
 * The persistent instances of one service, partitioned by service: REGISTER is an idempotent upsert (outputs
 * {@link WriteAck#OK}), DEREGISTER a remove (also {@link WriteAck#OK}, present or not), and a LIST that returned an
 * {@link InstanceSet} is possible iff it equals the state. A null output is unknown: always allowed, the effect still
 * applied.
 */
public final class InstanceSetModel implements Model<InstanceSet, InstanceSetInput, Object> {

    public static final InstanceSetModel INSTANCE = new InstanceSetModel();

    @Override
    public InstanceSet initial() {
        return InstanceSet.EMPTY;
    }

    @Override
    public InstanceSet step(InstanceSet state, InstanceSetInput input, Object output) {
        return switch (input.kind()) {
            case REGISTER -> acknowledged(output, state.with(input.instance()));
            case DEREGISTER -> acknowledged(output, state.without(input.instance()));
            case LIST -> list(state, output);
        };
    }

    private static InstanceSet acknowledged(Object output, InstanceSet after) {
        if (output != null && output != WriteAck.OK) {
            throw new IllegalArgumentException("a register's or deregister's output must be WriteAck.OK, got "
                    + output);
        }
        return after;
    }

    private static InstanceSet list(InstanceSet state, Object output) {
        if (output == null) {
            return state;
        }
        if (!(output instanceof InstanceSet listed)) {
            throw new IllegalArgumentException("a list's output must be an InstanceSet, got " + output);
        }
        return listed.equals(state) ? state : null;
    }

    @Override
    public Object partitionKey(InstanceSetInput input) {
        return input.service();
    }

    @Override
    public boolean isReadOnly(InstanceSetInput input) {
        return input.kind() == InstanceSetInput.Kind.LIST;
    }
}
