package io.beacon.registry.request;

import java.util.Map;

/**
 * The parameters of one HTTP request as the server decoded them (query string and form body), by name; null for
 * an absent one. The server adapts whatever it parsed into this.
 */
@FunctionalInterface
public interface RequestParams {
    String get(String name);

    static RequestParams of(Map<String, String> params) {
        return params::get;
    }
}
