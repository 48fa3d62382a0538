package io.beacon.testkit.nemesis;

import io.beacon.testkit.http.KeepAliveConnection;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The nemesis's client processes: one thread each, starting on one node (thread t on node t mod n, so followers are
 * asked as often as the leader), running the workload's operations one after another and recording each invocation
 * and completion; after an operation that did not succeed a client pauses briefly and moves to the next node. An operation that ends in info leaves the process hanging as far as the history knows (it may yet
 * take effect), so the thread carries on as a new process, as Jepsen's clients do. Requests are never retried.
 */
final class Clients {
    /**
     * How long a client waits for an answer: beyond the election timeout and beyond the servers' own answer
     * timeouts, so that an answer that comes is seen, and a stopped or cut-off server still ends in info.
     */
    static final int TIMEOUT_MILLIS = 12_000;
    /** The pause after an operation that did not succeed, before the next one (through the next server). */
    static final int BACKOFF_MILLIS = 100;

    private final Operations operations;
    private final List<InetSocketAddress> nodes;
    private final HistoryLog history;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private int nextFinalProcess;

    /** Clients of the workload against the nodes' HTTP addresses, recording into history. */
    Clients(Operations operations, List<InetSocketAddress> nodes, HistoryLog history) {
        this.operations = operations;
        this.nodes = List.copyOf(nodes);
        this.history = history;
    }

    /** Starts that many client threads, each with its own random stream split from seed. */
    void start(int count, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        // Client processes are thread + k * count (k: the infos that thread had so far); the final reads' processes
        // start far above any of them.
        nextFinalProcess = count * 1_000_000;
        for (int t = 0; t < count; t++) {
            int thread = t;
            SplittableRandom random = seeds.split();
            Thread client = new Thread(() -> run(thread, count, random), "nemesis-client-" + t);
            client.setDaemon(true);
            client.start();
            threads.add(client);
        }
    }

    /** Stops the clients after their current operation (each ends within the client timeout) and waits for them. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TIMEOUT_MILLIS + 5_000L);
        }
    }

    /**
     * After the run: reads every key the workload used once through each node, as processes of their own, so the
     * final state is part of the checked history. The count of reads that succeeded.
     */
    int finalReads() {
        int succeeded = 0;
        for (int node = 0; node < nodes.size(); node++) {
            try (KeepAliveConnection connection = connect(node)) {
                for (String key : operations.keys()) {
                    HistoryEvent.Type type = perform(nextFinalProcess++, connection, operations.finalRead(key));
                    succeeded += type == HistoryEvent.Type.OK ? 1 : 0;
                }
            }
        }
        return succeeded;
    }

    private void run(int thread, int count, SplittableRandom random) {
        int process = thread;
        int node = thread % nodes.size();
        KeepAliveConnection connection = connect(node);
        try {
            while (running.get()) {
                HistoryEvent.Type outcome = perform(process, connection, operations.next(random));
                if (outcome == HistoryEvent.Type.OK) {
                    continue;
                }
                if (outcome == HistoryEvent.Type.INFO) {
                    process += count;
                }
                // As a real client does: back off, and try another server.
                connection.close();
                node = (node + 1) % nodes.size();
                connection = connect(node);
                Thread.sleep(BACKOFF_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connection.close();
        }
    }

    private HistoryEvent.Type perform(int process, KeepAliveConnection connection, Operations.Invocation op) {
        history.invoke(process, op.f(), op.key(), op.value(), op.expected());
        Operations.Outcome outcome = operations.perform(connection, op);
        switch (outcome.type()) {
            case OK -> history.ok(process, outcome.value());
            case FAIL -> history.fail(process);
            case INFO -> history.info(process);
            default -> throw new IllegalStateException("an outcome cannot be " + outcome.type());
        }
        return outcome.type();
    }

    private KeepAliveConnection connect(int node) {
        InetSocketAddress address = nodes.get(node);
        return new KeepAliveConnection(address.getHostString(), address.getPort(), TIMEOUT_MILLIS);
    }
}
