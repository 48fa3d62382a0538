package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.testkit.http.KeepAliveConnection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code registry} workload: registrations and deregistrations of persistent instances, and linearizable lists,
 * through the Nacos Open API ({@code /nacos/v1/ns/instance}, {@code /instance/list?consistency=linearizable}) over
 * rotating services, each with a pool of four instances so that registrations and deregistrations meet. An
 * instance is named {@code ip:port}; a list's result is the names it returned, sorted and joined by commas.
 * Outcomes are classed as in {@link KvOperations}.
 */
final class RegistryOperations implements Operations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTANCE = "/nacos/v1/ns/instance";
    private static final int PORT = 8080;
    private static final int INSTANCES_PER_SERVICE = 4;

    private final KeyRotation services;

    RegistryOperations(int activeServices, int operationsPerService) {
        this.services = new KeyRotation("svc-", activeServices, operationsPerService);
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public Invocation next(SplittableRandom random) {
        String service = services.pick(random);
        double dice = random.nextDouble();
        if (dice < 0.4) {
            return new Invocation("list", service, null, null);
        }
        String instance = "10.0.0." + (1 + random.nextInt(INSTANCES_PER_SERVICE)) + ":" + PORT;
        return new Invocation(dice < 0.75 ? "register" : "deregister", service, instance, null);
    }

    @Override
    public Invocation finalRead(String service) {
        return new Invocation("list", service, null, null);
    }

    @Override
    public List<String> keys() {
        return services.all();
    }

    @Override
    public Outcome perform(KeepAliveConnection connection, Invocation op) {
        boolean list = op.f().equals("list");
        KeepAliveConnection.Answer answer;
        try {
            answer = switch (op.f()) {
                case "list" -> connection.exchange("GET", INSTANCE + "/list?consistency=linearizable&serviceName="
                        + op.key(), new byte[0]);
                case "register" -> connection.exchange("POST", INSTANCE + "?" + instanceQuery(op), new byte[0]);
                case "deregister" -> connection.exchange("DELETE", INSTANCE + "?" + instanceQuery(op), new byte[0]);
                default -> throw new IllegalArgumentException("unknown registry operation " + op.f());
            };
        } catch (IOException e) {
            return Outcome.unanswered(e, list);
        }
        int status = answer.status();
        if (status == 200) {
            return Outcome.ok(list ? instancesIn(answer) : op.value());
        }
        if (list) {
            return Outcome.fail();
        }
        // Nacos's error answers are plain text, with nothing that says whether a write may still apply.
        return Outcome.refusedWrite(status, false);
    }

    private static String instanceQuery(Invocation op) {
        int colon = op.value().lastIndexOf(':');
        return "serviceName=" + op.key() + "&ip=" + op.value().substring(0, colon) + "&port="
                + op.value().substring(colon + 1) + "&ephemeral=false";
    }

    /** The list's instances as {@code ip:port}, sorted and joined by commas (empty if none). */
    private static String instancesIn(KeepAliveConnection.Answer answer) {
        try {
            List<String> names = new ArrayList<>();
            for (JsonNode host : JSON.readTree(answer.body()).path("hosts")) {
                names.add(host.path("ip").asText() + ":" + host.path("port").asInt());
            }
            names.sort(null);
            return String.join(",", names);
        } catch (IOException e) {
            throw new IllegalStateException("a list answered 200 with a body that is not JSON: " + answer.text(), e);
        }
    }
}
