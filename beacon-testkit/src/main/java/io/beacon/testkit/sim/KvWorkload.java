package io.beacon.testkit.sim;

import io.beacon.testkit.lin.CheckResult;
import io.beacon.testkit.lin.RegisterHistory;
import io.beacon.testkit.lin.Verdict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The key-value workload, in the style of Jepsen's linearizable-register workload: every node runs a
 * {@link KvStateMachine}; each client reads, writes or compares-and-sets a small rotating set of keys, with unique
 * written values, and every invocation and outcome goes into a {@link RegisterHistory}, which must be linearizable
 * as a compare-and-set register per key.
 */
final class KvWorkload implements SimWorkload, ClientWorkload {
    private static final int OPERATIONS_PER_KEY = 100;
    private static final int ACTIVE_KEYS = 3;

    private final SplittableRandom random;
    private final int clientCount;
    private final RegisterHistory history = new RegisterHistory();
    private final KeyRotation keys;
    /** Per client, the last value it saw under each key: what its compare-and-sets expect. */
    private final List<Map<String, String>> lastSeen = new ArrayList<>();

    KvWorkload(SplittableRandom random, int clientCount) {
        this.random = random;
        this.clientCount = clientCount;
        this.keys = new KeyRotation(random, "k", ACTIVE_KEYS, OPERATIONS_PER_KEY);
        for (int i = 0; i < clientCount; i++) {
            lastSeen.add(new HashMap<>());
        }
    }

    @Override
    public SimApplication newApplication() {
        return new KvStateMachine();
    }

    @Override
    public ClientWorkload clients() {
        return this;
    }

    @Override
    public int operations() {
        return history.operations().size();
    }

    @Override
    public String verify(SimApplication converged, long now) {
        CheckResult check = history.check(CHECK_STEPS_PER_PARTITION);
        if (check.verdict() != Verdict.LINEARIZABLE) {
            throw new SimulationFailure("client history is " + check.verdict().label() + ": " + check.explanation());
        }
        return null;
    }

    @Override
    public int clientCount() {
        return clientCount;
    }

    @Override
    public ClientOperation next(int client, long operationId, long now) {
        String key = keys.next();
        int choice = random.nextInt(10);
        Map<String, String> seen = lastSeen.get(client);
        if (choice < 4) {
            return new ClientOperation(history.invokeRead(client, key, now), operationId, client,
                    ClientOperation.Kind.READ, new KvRequest(KvRequest.Kind.READ, key, null, null));
        }
        if (choice < 7 || !seen.containsKey(key)) {
            String value = "w" + operationId;
            return new ClientOperation(history.invokeWrite(client, key, value, now), operationId, client,
                    ClientOperation.Kind.WRITE, new KvRequest(KvRequest.Kind.WRITE, key, value, null));
        }
        String expected = seen.get(key);
        String value = "c" + operationId;
        return new ClientOperation(history.invokeCas(client, key, expected, value, now), operationId, client,
                ClientOperation.Kind.WRITE, new KvRequest(KvRequest.Kind.CAS, key, value, expected));
    }

    @Override
    public long pause(int client) {
        return random.nextLong(1_000, 20_000);
    }

    @Override
    public void completed(ClientOperation operation, ClientResponse response, long now) {
        KvRequest request = (KvRequest) operation.request();
        if (response instanceof ClientResponse.ReadValue read) {
            String value = (String) read.value();
            history.okRead(operation.historyId(), value, now);
            if (value != null) {
                lastSeen.get(operation.client()).put(request.key(), value);
            }
        } else if (response instanceof ClientResponse.Applied applied) {
            if (request.kind() == KvRequest.Kind.WRITE) {
                history.okWrite(operation.historyId(), now);
            } else {
                history.okCas(operation.historyId(), applied.swapped(), now);
            }
            if (applied.swapped()) {
                lastSeen.get(operation.client()).put(request.key(), request.value());
            }
        } else {
            throw new SimulationFailure("a key-value operation answered " + response);
        }
    }

    @Override
    public void failed(ClientOperation operation, long now) {
        history.fail(operation.historyId(), now);
    }

    @Override
    public void unknown(ClientOperation operation, long now) {
        history.info(operation.historyId());
    }
}
