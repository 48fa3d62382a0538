package io.beacon.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.server.http.HttpAnswer;
import io.beacon.server.http.HttpCall;
import io.beacon.server.http.Routes;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The native API's endpoints under {@code /beacon/v1}: routes {@code /kv/{key}}, {@code /cluster}, {@code /health},
 * {@code /members} and {@code /leader} to {@link NativeApi}, writes JSON, maps every failure to its status with a
 * JSON body, and carries a request only the leader can take to the leader (once: a forwarded request is never
 * forwarded again).
 */
final class NativeRoutes implements Routes {
    static final String PREFIX = "/beacon/v1";
    private static final String FORWARDED = "X-Beacon-Forwarded";
    private static final Logger LOG = LoggerFactory.getLogger(NativeRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NativeApi api;
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    NativeRoutes(NativeApi api) {
        this.api = api;
    }

    @Override
    public boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    @Override
    public CompletableFuture<HttpAnswer> handle(HttpCall call) {
        boolean forwarded = call.headers().contains(FORWARDED);
        try {
            return route(call).thenApply(json -> HttpAnswer.json(200, write(json)))
                    .exceptionallyCompose(error -> failure(error, call, forwarded));
        } catch (RuntimeException e) {
            return failure(e, call, forwarded);
        }
    }

    private CompletableFuture<Map<String, Object>> route(HttpCall call) {
        String path = call.path();
        HttpMethod method = call.method();
        Map<String, String> parameters = call.query();
        if (path.equals(PREFIX + "/health")) {
            requireMethod(method, HttpMethod.GET);
            return api.health();
        }
        if (path.equals(PREFIX + "/cluster")) {
            requireMethod(method, HttpMethod.GET);
            return api.cluster();
        }
        if (path.equals(PREFIX + "/members")) {
            if (method.equals(HttpMethod.GET)) {
                return api.members();
            }
            requireMethod(method, HttpMethod.POST);
            return api.addMember(parameters.get("address"));
        }
        if (path.startsWith(PREFIX + "/members/")) {
            requireMethod(method, HttpMethod.DELETE);
            return api.removeMember(memberId(path.substring((PREFIX + "/members/").length())));
        }
        if (path.equals(PREFIX + "/leader")) {
            requireMethod(method, HttpMethod.POST);
            return api.transferLeader(memberId(parameters.getOrDefault("to", "")));
        }
        if (path.startsWith(PREFIX + "/kv/")) {
            String key = path.substring((PREFIX + "/kv/").length());
            if (method.equals(HttpMethod.GET)) {
                String consistency = parameters.getOrDefault("consistency", "linearizable");
                if (!List.of("linearizable", "local").contains(consistency)) {
                    throw ApiException.badRequest("consistency must be linearizable or local, was '" + consistency
                            + "'");
                }
                return api.get(key, consistency.equals("linearizable"));
            }
            if (method.equals(HttpMethod.PUT)) {
                return api.put(key, call.body(), parameters);
            }
            if (method.equals(HttpMethod.DELETE)) {
                return api.delete(key, parameters);
            }
            throw new ApiException(405, "method " + method + " is not allowed on " + path);
        }
        throw new ApiException(404, "no such endpoint: " + path);
    }

    private static long memberId(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'" + text + "' is not a member id");
    }

    private static void requireMethod(HttpMethod method, HttpMethod expected) {
        if (!method.equals(expected)) {
            throw new ApiException(405, "method " + method + " is not allowed here; use " + expected);
        }
    }

    private CompletableFuture<HttpAnswer> failure(Throwable error, HttpCall call, boolean forwarded) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NativeApi.Forward forward) {
            if (forwarded) {
                return CompletableFuture.completedFuture(errorAnswer(503, "not the leader, and the request was "
                        + "already forwarded once", Map.of("leader", forward.leader.getHostString() + ":"
                        + forward.leader.getPort(), "outcome", "not-applied")));
            }
            return forward(forward.leader, call);
        }
        if (cause instanceof ApiException api) {
            return CompletableFuture.completedFuture(errorAnswer(api.status(), api.getMessage(), api.details()));
        }
        LOG.warn("request failed method={} uri={}", call.method(), call.uri(), cause);
        return CompletableFuture.completedFuture(errorAnswer(500, "internal error: " + cause, Map.of()));
    }

    private CompletableFuture<HttpAnswer> forward(InetSocketAddress leader, HttpCall call) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + leader.getHostString() + ":"
                        + leader.getPort() + call.uri()))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, "1")
                .method(call.method().name(), HttpRequest.BodyPublishers.ofByteArray(call.body())).build();
        return forwarder.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> HttpAnswer.json(response.statusCode(), response.body()))
                .exceptionally(error -> errorAnswer(503, "the leader at " + leader + " did not answer: "
                        + error.getMessage(), Map.of("outcome", "unknown")));
    }

    private static HttpAnswer errorAnswer(int status, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        body.putAll(details);
        return HttpAnswer.json(status, write(body));
    }

    private static byte[] write(Object json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
