package io.beacon.testkit.sim;

import io.beacon.testkit.lin.RegisterHistory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clients of the test store, in the style of Jepsen's linearizable-register workload: each runs one
 * operation at a time (read, write or compare-and-set) on a small rotating set of keys, with unique written
 * values, and records every invocation and outcome in a {@link RegisterHistory}. A timeout is recorded as
 * indeterminate, never as a failure; a "not the leader" answer, which means nothing happened, is retried at
 * the hinted leader within the same operation.
 */
final class SimClients {
    /** What a client sends requests through. */
    interface Dispatcher {
        void request(long nodeId, ClientOperation operation);
    }

    static final long TIMEOUT_MICROS = 3_000_000;
    private static final int OPERATIONS_PER_KEY = 100;
    private static final int ACTIVE_KEYS = 3;
    private static final int MAX_REDIRECTS = 3;

    private final EventQueue events;
    private final SplittableRandom random;
    /** The server slots clients may talk to: the members of the cluster. */
    private final java.util.function.Supplier<List<Long>> targets;
    private final RegisterHistory history;
    private final ClusterInvariants invariants;
    private final Dispatcher dispatcher;
    private final java.util.function.Consumer<String> timeline;
    private final Client[] clients;
    private final String[] activeKeys = new String[ACTIVE_KEYS];
    private final int[] keyUses = new int[ACTIVE_KEYS];
    private int nextKey;
    private long nextOperationId = 1;
    private boolean stopped;

    private long markTime = Long.MAX_VALUE;
    private int timeoutsSinceMark;
    private int successesSinceMark;

    private final class Client {
        final int index;
        ClientOperation current;
        long invokedAt;
        int redirects;
        int generation;
        long leaderGuess;
        long lastNode;
        final Map<String, String> lastSeen = new HashMap<>();

        Client(int index) {
            this.index = index;
        }
    }

    SimClients(EventQueue events, SplittableRandom random, int clientCount,
               java.util.function.Supplier<List<Long>> targets, RegisterHistory history,
               ClusterInvariants invariants, Dispatcher dispatcher, java.util.function.Consumer<String> timeline) {
        this.events = events;
        this.random = random;
        this.targets = targets;
        this.history = history;
        this.invariants = invariants;
        this.dispatcher = dispatcher;
        this.timeline = timeline;
        this.clients = new Client[clientCount];
        for (int i = 0; i < clientCount; i++) {
            clients[i] = new Client(i);
        }
        for (int i = 0; i < ACTIVE_KEYS; i++) {
            activeKeys[i] = "k" + nextKey++;
        }
    }

    void start() {
        for (Client client : clients) {
            events.after(random.nextLong(20_000), () -> next(client));
        }
    }

    /** No new operations; those in flight still finish or time out. */
    void stop() {
        stopped = true;
    }

    boolean idle() {
        for (Client client : clients) {
            if (client.current != null) {
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
        if (stopped) {
            return;
        }
        int slot = random.nextInt(ACTIVE_KEYS);
        if (++keyUses[slot] > OPERATIONS_PER_KEY) {
            activeKeys[slot] = "k" + nextKey++;
            keyUses[slot] = 1;
        }
        String key = activeKeys[slot];
        long id = nextOperationId++;
        long now = events.now();
        int choice = random.nextInt(10);
        ClientOperation operation;
        if (choice < 4) {
            operation = new ClientOperation(history.invokeRead(client.index, key, now), id, client.index,
                    ClientOperation.Kind.READ, key, null, null);
        } else if (choice < 7 || !client.lastSeen.containsKey(key)) {
            String value = "w" + id;
            operation = new ClientOperation(history.invokeWrite(client.index, key, value, now), id, client.index,
                    ClientOperation.Kind.WRITE, key, value, null);
        } else {
            String expected = client.lastSeen.get(key);
            String value = "c" + id;
            operation = new ClientOperation(history.invokeCas(client.index, key, expected, value, now), id,
                    client.index, ClientOperation.Kind.CAS, key, value, expected);
        }
        invariants.onIssued(operation);
        client.current = operation;
        client.invokedAt = now;
        client.redirects = 0;
        int generation = ++client.generation;
        send(client, operation, chooseNode(client, operation));
        events.after(TIMEOUT_MICROS, () -> {
            if (client.generation == generation && client.current == operation) {
                history.info(operation.historyId());
                if (client.invokedAt >= markTime) {
                    timeoutsSinceMark++;
                    timeline.accept("timed out: " + operation.kind() + " " + operation.id() + " sent to node "
                            + client.lastNode);
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
            if (response instanceof ClientResponse.ReadValue read) {
                history.okRead(operation.historyId(), read.value(), now);
                if (read.value() != null) {
                    client.lastSeen.put(operation.key(), read.value());
                }
                succeeded(client);
            } else if (response instanceof ClientResponse.Applied applied) {
                if (operation.kind() == ClientOperation.Kind.WRITE) {
                    history.okWrite(operation.historyId(), now);
                } else {
                    history.okCas(operation.historyId(), applied.swapped(), now);
                }
                if (applied.swapped()) {
                    client.lastSeen.put(operation.key(), operation.value());
                }
                client.leaderGuess = fromNode;
                succeeded(client);
            } else if (response instanceof ClientResponse.Unknown) {
                // An answer, but not an outcome: the operation may or may not have taken effect.
                history.info(operation.historyId());
                finish(client);
            } else if (response instanceof ClientResponse.Redirect redirect) {
                client.leaderGuess = SimNode.slotOf(redirect.leaderHint());
                if (redirect.leaderHint() != 0 && client.redirects++ < MAX_REDIRECTS) {
                    send(client, operation, client.leaderGuess);
                } else {
                    history.fail(operation.historyId(), now);
                    finish(client);
                }
            } else {
                history.fail(operation.historyId(), now);
                finish(client);
            }
        });
    }

    private void succeeded(Client client) {
        if (client.invokedAt >= markTime) {
            successesSinceMark++;
        }
        finish(client);
    }

    private void finish(Client client) {
        client.current = null;
        client.generation++;
        events.after(random.nextLong(1_000, 20_000), () -> next(client));
    }
}
