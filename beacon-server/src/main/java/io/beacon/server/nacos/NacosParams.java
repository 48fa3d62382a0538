package io.beacon.server.nacos;

import io.beacon.registry.request.RequestParams;
import io.beacon.server.http.HttpCall;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Nacos call's parameters, as Nacos's servlet container reads them: the query string and, for a form body (on
 * any method: nacos-client sends its beat as a form on PUT), the body's fields; a name in both takes the query's
 * value. The registry's {@code Validation} reads them through {@link RequestParams}.
 */
final class NacosParams implements RequestParams {
    private final Map<String, String> values = new LinkedHashMap<>();

    NacosParams(HttpCall call) {
        String type = call.headers().get(HttpHeaderNames.CONTENT_TYPE);
        boolean form = type != null && type.toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded");
        if (form && call.body().length > 0) {
            QueryStringDecoder body = new QueryStringDecoder(new String(call.body(), StandardCharsets.UTF_8), false);
            body.parameters().forEach((name, list) -> values.put(name, list.get(list.size() - 1)));
        }
        values.putAll(call.query());
    }

    /** The value, or null if the parameter is absent. */
    @Override
    public String get(String name) {
        return values.get(name);
    }

    /** The value, or fallback if the parameter is absent or empty. */
    String optional(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
