// Owns: the output of a successful register write.
package io.beacon.testkit.lin;

/** The acknowledgement a successful write returns. */
public enum WriteAck {
    OK;

    @Override
    public String toString() {
        return "ok";
    }
}
