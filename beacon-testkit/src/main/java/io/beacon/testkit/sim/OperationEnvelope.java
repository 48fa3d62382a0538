package io.beacon.testkit.sim;

import java.nio.ByteBuffer;

/**
 * The simulator's convention for every command it puts in a log, whatever the workload: the first eight bytes are the
 * id of the operation that proposed it (big-endian, as {@link java.io.DataOutputStream#writeLong} writes it), so
 * commits can be traced to proposals (no phantom commits, none twice). {@link KvCommand} starts with it;
 * {@link #wrap} puts it in front of another application's command bytes.
 */
final class OperationEnvelope {
    static final int HEADER_BYTES = Long.BYTES;

    private OperationEnvelope() {
    }

    static byte[] wrap(long operationId, byte[] payload) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length).putLong(operationId).put(payload).array();
    }

    static long operationId(byte[] command) {
        if (command.length < HEADER_BYTES) {
            throw new SimulationFailure("a command of " + command.length + " bytes names no operation");
        }
        return ByteBuffer.wrap(command).getLong();
    }

    static byte[] payload(byte[] command) {
        operationId(command);
        return java.util.Arrays.copyOfRange(command, HEADER_BYTES, command.length);
    }
}
