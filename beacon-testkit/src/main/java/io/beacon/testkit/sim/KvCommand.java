package io.beacon.testkit.sim;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write or compare-and-set on the test key-value store, as carried in a log entry. Every command starts with
 * the id of the client operation that proposed it ({@link OperationEnvelope}), so the simulator can tell a committed
 * command from a phantom.
 *
 * @param expected for a compare-and-set, the value the key must hold; null for a plain write
 */
record KvCommand(long operationId, String key, String value, String expected, boolean compareAndSet) {

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + key.length() + value.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(operationId);
            out.writeBoolean(compareAndSet);
            out.writeUTF(key);
            out.writeUTF(value);
            out.writeBoolean(expected != null);
            if (expected != null) {
                out.writeUTF(expected);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static KvCommand decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            long operationId = in.readLong();
            boolean compareAndSet = in.readBoolean();
            String key = in.readUTF();
            String value = in.readUTF();
            String expected = in.readBoolean() ? in.readUTF() : null;
            return new KvCommand(operationId, key, value, expected, compareAndSet);
        } catch (IOException e) {
            throw new SimulationFailure("undecodable command in the log: " + e);
        }
    }
}
