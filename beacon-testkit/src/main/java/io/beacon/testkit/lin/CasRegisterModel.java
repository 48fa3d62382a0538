// Owns: the sequential specification of a compare-and-set register per key (absent key = nil).
package io.beacon.testkit.lin;

/**
 * A compare-and-set register, partitioned by key. Outputs: READ returns a {@link RegisterValue} (possibly
 * {@link RegisterValue#ABSENT}); WRITE returns {@link WriteAck#OK}; CAS returns a {@link Boolean} (true = swapped,
 * false = the current value differed from the expected one). A null output is unknown.
 */
public final class CasRegisterModel implements Model<RegisterValue, RegisterInput, Object> {

    public static final CasRegisterModel INSTANCE = new CasRegisterModel();

    @Override
    public RegisterValue initial() {
        return RegisterValue.ABSENT;
    }

    @Override
    public RegisterValue step(RegisterValue state, RegisterInput input, Object output) {
        return switch (input.kind()) {
            case READ -> read(state, output);
            case WRITE -> write(input, output);
            case CAS -> compareAndSet(state, input, output);
        };
    }

    private static RegisterValue read(RegisterValue state, Object output) {
        if (output == null) {
            return state;
        }
        if (!(output instanceof RegisterValue observed)) {
            throw new IllegalArgumentException("a read's output must be a RegisterValue, got " + output);
        }
        return observed.equals(state) ? state : null;
    }

    private static RegisterValue write(RegisterInput input, Object output) {
        if (output != null && output != WriteAck.OK) {
            throw new IllegalArgumentException("a write's output must be WriteAck.OK, got " + output);
        }
        return RegisterValue.of(input.value());
    }

    private static RegisterValue compareAndSet(RegisterValue state, RegisterInput input, Object output) {
        boolean matches = state.equals(RegisterValue.of(input.expected()));
        RegisterValue after = matches ? RegisterValue.of(input.value()) : state;
        if (output == null) {
            return after;
        }
        if (!(output instanceof Boolean swapped)) {
            throw new IllegalArgumentException("a cas's output must be a Boolean, got " + output);
        }
        return swapped == matches ? after : null;
    }

    @Override
    public Object partitionKey(RegisterInput input) {
        return input.key();
    }

    @Override
    public boolean isReadOnly(RegisterInput input) {
        return input.kind() == RegisterInput.Kind.READ;
    }
}
