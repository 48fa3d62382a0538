package io.beacon.testkit.sim;

/**
 * One client operation.
 *
 * @param historyId the operation's id in its workload's history (-1 if the history does not record it)
 * @param id        unique across the run; carried in the command so commits can be traced to it
 * @param kind      how a node serves it
 * @param request   what the client asks, in its workload's terms
 */
record ClientOperation(int historyId, long id, int client, Kind kind, ClientRequest request) {
    enum Kind {
        /** Served through the node's linearizable read path. */
        READ,
        /** Proposed to the log by the leader. */
        WRITE,
        /** Served by the leader from memory, without the log (a registry instance's heart beat). */
        BEAT
    }
}
