package io.beacon.server.nacos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.registry.request.InvalidRequestException;
import io.beacon.server.http.HttpAnswer;
import io.beacon.server.http.HttpCall;
import io.beacon.server.http.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Nacos's Open API v1 under {@code /nacos}, as nacos-client 1.x calls it: finds the endpoint for the method and
 * path, reads its parameters (query string and form body), checks the access token when authentication is on,
 * and writes the answer as Nacos does — plain text ({@code ok}) or JSON, and for a failure the status and the
 * plain-text message Nacos uses. No client input is answered 500.
 */
public final class NacosRoutes implements Routes {
    static final String PREFIX = "/nacos";
    private static final Logger LOG = LoggerFactory.getLogger(NacosRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOGIN = "POST /v1/auth/users/login";

    /** One endpoint: answers with a String (sent as text) or a value written as JSON. */
    @FunctionalInterface
    interface Endpoint {
        CompletableFuture<Object> handle(NacosParams params, HttpCall call);
    }

    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final NacosAuth auth;

    public NacosRoutes(NacosAuth auth, InstanceEndpoints instances, ServiceEndpoints services,
                       OperatorEndpoints operator) {
        this.auth = auth;
        endpoints.put(LOGIN, this::login);
        instances.register(endpoints);
        services.register(endpoints);
        operator.register(endpoints);
    }

    @Override
    public boolean owns(String path) {
        return path.startsWith(PREFIX + "/");
    }

    @Override
    public CompletableFuture<HttpAnswer> handle(HttpCall call) {
        String route = call.method().name() + " " + call.path().substring(PREFIX.length());
        try {
            Endpoint endpoint = endpoints.get(route);
            if (endpoint == null) {
                return CompletableFuture.completedFuture(HttpAnswer.text(404, "no such endpoint: " + route));
            }
            NacosParams params = new NacosParams(call);
            if (!route.equals(LOGIN)) {
                String refusal = auth.refusal(params.get("accessToken"), System.currentTimeMillis() / 1000);
                if (refusal != null) {
                    return CompletableFuture.completedFuture(HttpAnswer.text(403, refusal));
                }
            }
            return endpoint.handle(params, call).handle((result, error) -> error == null ? answer(result)
                    : failure(error, call));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e, call));
        }
    }

    private CompletableFuture<Object> login(NacosParams params, HttpCall call) {
        String token = auth.login(params.get("username"), params.get("password"), System.currentTimeMillis() / 1000);
        if (token == null) {
            throw new NacosException(403, NacosAuth.UNKNOWN_USER);
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("accessToken", token);
        body.put("tokenTtl", auth.tokenTtlSeconds());
        body.put("globalAdmin", true);
        return CompletableFuture.completedFuture(body);
    }

    private static HttpAnswer answer(Object result) {
        if (result instanceof String text) {
            return HttpAnswer.text(200, text);
        }
        try {
            return HttpAnswer.json(200, JSON.writeValueAsBytes(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static HttpAnswer failure(Throwable error, HttpCall call) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NacosException nacos) {
            return HttpAnswer.text(nacos.status(), nacos.getMessage());
        }
        if (cause instanceof InvalidRequestException invalid) {
            return HttpAnswer.text(invalid.httpStatus(), invalid.getMessage());
        }
        LOG.warn("nacos request failed method={} uri={}", call.method(), call.uri(), cause);
        return HttpAnswer.text(500, "internal error: " + cause);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
