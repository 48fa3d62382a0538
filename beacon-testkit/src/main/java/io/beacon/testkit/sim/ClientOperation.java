package io.beacon.testkit.sim;

/**
 * One client operation on the test store.
 *
 * @param historyId the operation's id in the client history
 * @param id        unique across the run; carried in the command so commits can be traced to it
 */
record ClientOperation(int historyId, long id, int client, Kind kind, String key, String value, String expected) {
    enum Kind { READ, WRITE, CAS }

    KvCommand command() {
        return new KvCommand(id, key, value, expected, kind == Kind.CAS);
    }
}
