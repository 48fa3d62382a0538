package io.beacon.testkit.sim;

import io.beacon.raft.Entry;

/**
 * What a simulated node runs above its log for one workload: the replicated state machine (applied entry by entry,
 * snapshotted and restored whole), the commands the node proposes for its clients, the reads it serves, and whatever
 * the node does on its own while it leads (the registry's leases). One instance per life of a node: a crash loses it,
 * a snapshot from the leader restores it in place. Deterministic, like everything the simulator runs.
 *
 * <p>Every command it builds follows {@link OperationEnvelope}: the proposing operation's id comes first.
 */
interface SimApplication {

    /** What the node offers an application that acts on its own. */
    interface Host {
        /** Whether this node believes it leads (it may be a deposed leader that has not heard yet). */
        boolean leading();

        /** The leader this node knows of, 0 if none. */
        long leaderId();

        /** This node's current term. */
        long term();

        /** The deliberate runtime bug of the simulator's own tests, if any. */
        Sabotage sabotage();

        /** This node's clock in milliseconds: its own, drifting with its clock rate; never the machine's. */
        long clockMillis();

        /**
         * Proposes a command of the node's own, which no client waits for; returns the operation id it carries, or 0
         * if the node could not propose it (it is dropped).
         */
        long propose(byte[] payload);
    }

    /** Applies a committed entry; for a command, the answer its proposer gives its client; null for other entries. */
    ClientResponse apply(Entry entry);

    long appliedIndex();

    /** A hash of the whole state: equal states give equal hashes on every node. */
    long stateHash();

    /** The whole state as of {@link #appliedIndex()}; equal states give equal bytes. */
    byte[] snapshot();

    /** Replaces the whole state with a snapshot's, which covers the log up to index. */
    void restore(byte[] snapshot, long index);

    /** Only for {@link Sabotage#CORRUPT_SNAPSHOT}: a snapshot whose state differs a little from this one. */
    byte[] snapshotMissingSomething();

    /** The command to propose for a client's write, stamped with the proposing node's clock. */
    byte[] command(ClientOperation operation, long clockMillis);

    /** The answer to a client's read, served once the read is safe at this node's applied index. */
    ClientResponse read(ClientOperation operation);

    /** The answer to a client's beat (a request that only the leader's memory serves). */
    default ClientResponse beat(ClientOperation operation, Host host) {
        return new ClientResponse.Failed("this workload has no beats");
    }

    /** Called after every tick of the node's Raft core, while the node runs. */
    default void tick(Host host) {
    }
}
