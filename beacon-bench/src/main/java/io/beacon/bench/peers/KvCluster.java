package io.beacon.bench.peers;

import java.util.List;

/**
 * A three-node key-value cluster of one of the systems {@code bin/beacon-bench} compares (Beacon, etcd,
 * SOFAJRaft), each node a separate process on loopback with fsync on, so that one load generator and one failover
 * timer drive them all the same way. Nodes are numbered 0 to size() - 1; processes are started and killed by their
 * own handles, never by name.
 */
public interface KvCluster extends AutoCloseable {
    /** The name in the report's columns, e.g. "beacon", "etcd (gRPC)", "sofajraft". */
    String name();

    /** Starts every node and returns once one of them leads and a write through it is acknowledged. */
    void start() throws Exception;

    /** How many nodes there are. */
    int size();

    /**
     * The index of the node that leads, or -1 if none answers that it does; takes at most about a second (a node
     * that does not answer is passed over).
     */
    int leader();

    /** kill -9 of the node's process; returns once it has exited. */
    void kill(int node) throws InterruptedException;

    /** Starts a killed node again on its own data, and returns once it answers (not necessarily caught up). */
    void restart(int node) throws Exception;

    /** The node's process id, for its CPU time and memory. */
    long pid(int node);

    /** The TCP ports on which the nodes listen for each other (not for clients): to count the bytes between them. */
    List<Integer> peerPorts();

    /**
     * A client of the node at index, for one thread at a time: each request waits at most timeoutMillis. A client
     * may share a connection with others where that is the system's own way (gRPC multiplexes one channel).
     */
    KvClient client(int node, int timeoutMillis) throws Exception;

    /** Kills every node still running and releases what the cluster holds; its data stays where it was put. */
    @Override
    void close() throws Exception;
}
