package io.beacon.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One HTTP request as the routes see it.
 *
 * @param uri        the request target as sent (path and query string), for forwarding it unchanged
 * @param path       the decoded path
 * @param query      the query string's parameters (the last value of a repeated name)
 * @param body       the body's bytes (empty if none)
 * @param remote     the address the request came from
 */
public record HttpCall(HttpMethod method, String uri, String path, Map<String, String> query, HttpHeaders headers,
                       byte[] body, InetSocketAddress remote) {
}
