package io.beacon.testkit.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a workload's clients: each runs one operation at a time, chosen by its {@link ClientWorkload}, against a
 * node of its choice. A timeout is reported as an unknown outcome, never as a failure; a "not the leader" answer,
 * which means nothing happened, is retried at the hinted leader within the same operation. Counts how operations
 * started after {@link #mark()} end, for the liveness check after healing.
 */
final class SimClients {
    /** What a client sends requests through. */
    interface Dispatcher {
        void request(long nodeId, ClientOperation operation);
    }

    static final long TIMEOUT_MICROS = 3_000_000;
    private static final int MAX_REDIRECTS = 3;

    private final EventQueue events;
    private final SplittableRandom random;
    /** The server slots clients may talk to: the members of the cluster. */
    private final java.util.function.Supplier<List<Long>> targets;
    private final ClientWorkload workload;
    private final ClusterInvariants invariants;
    private final Dispatcher dispatcher;
    private final java.util.function.Consumer<String> timeline;
    private final Client[] clients;
    private long nextOperationId = 1;
    private boolean stopped;

    private long markTime = Long.MAX_VALUE;
    private int timeoutsSinceMark;
    private int successesSinceMark;

    private static final class Client {
        final int index;
        ClientOperation current;
        long invokedAt;
        int redirects;
        int generation;
        long leaderGuess;
        long lastNode;

        Client(int index) {
            this.index = index;
        }
    }

    SimClients(EventQueue events, SplittableRandom random, ClientWorkload workload,
               java.util.function.Supplier<List<Long>> targets, ClusterInvariants invariants, Dispatcher dispatcher,
               java.util.function.Consumer<String> timeline) {
        this.events = events;
        this.random = random;
        this.targets = targets;
        this.workload = workload;
        this.invariants = invariants;
        this.dispatcher = dispatcher;
        this.timeline = timeline;
        this.clients = new Client[workload.clientCount()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Client(i);
        }
    }

    void start() {
        for (Client client : clients) {
            events.after(random.nextLong(20_000), () -> next(client));
        }
    }

    /** No new operations, except from clients the workload keeps running; those in flight still finish or time out. */
    void stop() {
        stopped = true;
        workload.stopping();
    }

    /** Whether no client that stops has an operation in flight. */
    boolean idle() {
        for (Client client : clients) {
            if (client.current != null && !workload.keepsRunning(client.index)) {
                return false;
            }
        }
        return true;
    }

    /** From now on, count how operations invoked after this instant end. */
    void mark() {
        markTime = events.now();
        timeoutsSinceMark = 0;
        successesSinceMark = 0;
    }

    int timeoutsSinceMark() {
        return timeoutsSinceMark;
    }

    int successesSinceMark() {
        return successesSinceMark;
    }

    private void next(Client client) {
        if (stopped && !workload.keepsRunning(client.index)) {
            return;
        }
        long now = events.now();
        ClientOperation operation = workload.next(client.index, nextOperationId, now);
        if (operation == null) {
            events.after(workload.pause(client.index), () -> next(client));
            return;
        }
        nextOperationId++;
        invariants.onIssued(operation.id());
        client.current = operation;
        client.invokedAt = now;
        client.redirects = 0;
        int generation = ++client.generation;
        send(client, operation, chooseNode(client, operation));
        events.after(TIMEOUT_MICROS, () -> {
            if (client.generation == generation && client.current == operation) {
                workload.unknown(operation, events.now());
                if (client.invokedAt >= markTime) {
                    timeoutsSinceMark++;
                    timeline.accept("timed out: " + operation.request().name() + " " + operation.id()
                            + " sent to node " + client.lastNode);
                }
                finish(client);
            }
        });
    }

    private long chooseNode(Client client, ClientOperation operation) {
        boolean anyNode = operation.kind() == ClientOperation.Kind.READ ? random.nextBoolean() : random.nextInt(4) == 0;
        List<Long> slots = targets.get();
        if (client.leaderGuess == 0 || anyNode || !slots.contains(client.leaderGuess)) {
            return slots.get(random.nextInt(slots.size()));
        }
        return client.leaderGuess;
    }

    private void send(Client client, ClientOperation operation, long nodeId) {
        client.lastNode = nodeId;
        events.after(50, () -> dispatcher.request(nodeId, operation));
    }

    /** A node's answer; arrives after a short delay and is ignored if the operation already timed out. */
    void respond(long fromNode, ClientOperation operation, ClientResponse response) {
        Client client = clients[operation.client()];
        events.after(50, () -> {
            if (client.current != operation) {
                return;
            }
            long now = events.now();
            if (response instanceof ClientResponse.Redirect redirect) {
                client.leaderGuess = SimNode.slotOf(redirect.leaderHint());
                if (redirect.leaderHint() != 0 && client.redirects++ < MAX_REDIRECTS) {
                    send(client, operation, client.leaderGuess);
                } else {
                    workload.failed(operation, now);
                    finish(client);
                }
            } else if (response instanceof ClientResponse.Unknown) {
                // An answer, but not an outcome: the operation may or may not have taken effect.
                workload.unknown(operation, now);
                finish(client);
            } else if (response instanceof ClientResponse.Failed) {
                workload.failed(operation, now);
                finish(client);
            } else {
                if (response instanceof ClientResponse.Applied || response instanceof ClientResponse.Beat) {
                    client.leaderGuess = fromNode;
                }
                workload.completed(operation, response, now);
                if (client.invokedAt >= markTime) {
                    successesSinceMark++;
                }
                finish(client);
            }
        });
    }

    private void finish(Client client) {
        client.current = null;
        client.generation++;
        events.after(workload.pause(client.index), () -> next(client));
    }
}
