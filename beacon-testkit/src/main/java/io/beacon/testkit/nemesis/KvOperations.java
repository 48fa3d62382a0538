package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.http.KeepAliveConnection;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code kv} workload: reads (linearizable, the default), writes of unique values and compare-and-sets on
 * {@code /beacon/v1/kv}, over rotating keys. A compare-and-set expects the value a client last saw for the key, so
 * that many of them succeed. Reads that fail are recorded as failed (a read changes nothing); a write or
 * compare-and-set whose answer never comes, or is a 503 that does not say {@code "outcome":"not-applied"}, is
 * recorded as info (it may yet apply); one refused before it was sent, answered 4xx (409: the value differed), or
 * answered 503 not-applied, as failed.
 */
final class KvOperations implements Operations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/beacon/v1/kv/";

    private final KeyRotation keys;
    private final AtomicLong values = new AtomicLong();
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

    KvOperations(int activeKeys, int operationsPerKey) {
        this.keys = new KeyRotation("k", activeKeys, operationsPerKey);
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Invocation next(SplittableRandom random) {
        String key = keys.pick(random);
        double dice = random.nextDouble();
        if (dice < 0.4) {
            return new Invocation("read", key, null, null);
        }
        String value = "v" + values.incrementAndGet();
        String expected = lastSeen.get(key);
        if (dice < 0.7 || expected == null) {
            return new Invocation("write", key, value, null);
        }
        return new Invocation("cas", key, value, expected);
    }

    @Override
    public Invocation finalRead(String key) {
        return new Invocation("read", key, null, null);
    }

    @Override
    public List<String> keys() {
        return keys.all();
    }

    @Override
    public Outcome perform(KeepAliveConnection connection, Invocation op) {
        boolean read = op.f().equals("read");
        KeepAliveConnection.Answer answer;
        try {
            answer = switch (op.f()) {
                case "read" -> connection.exchange("GET", PATH + op.key(), new byte[0]);
                case "write" -> connection.exchange("PUT", PATH + op.key(), bytes(op.value()));
                case "cas" -> connection.exchange("PUT", PATH + op.key() + "?prevValue="
                        + URLEncoder.encode(op.expected(), StandardCharsets.UTF_8), bytes(op.value()));
                default -> throw new IllegalArgumentException("unknown kv operation " + op.f());
            };
        } catch (IOException e) {
            return Outcome.unanswered(e, read);
        }
        int status = answer.status();
        if (status == 200) {
            String value = read ? valueIn(answer) : op.value();
            if (value != null) {
                lastSeen.put(op.key(), value);
            }
            return Outcome.ok(value);
        }
        if (read) {
            return status == 404 ? Outcome.ok(null) : Outcome.fail();
        }
        return Outcome.refusedWrite(status, certainlyNotApplied(answer));
    }

    /** Whether an error answer says the write will never take effect (Beacon's {@code "outcome":"not-applied"}). */
    private static boolean certainlyNotApplied(KeepAliveConnection.Answer answer) {
        try {
            return "not-applied".equals(JSON.readTree(answer.body()).path("outcome").asText());
        } catch (IOException notJson) {
            return false;
        }
    }

    private static String valueIn(KeepAliveConnection.Answer answer) {
        try {
            JsonNode value = JSON.readTree(answer.body()).get("value");
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            throw new IllegalStateException("a read answered 200 with a body that is not JSON: " + answer.text(), e);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
