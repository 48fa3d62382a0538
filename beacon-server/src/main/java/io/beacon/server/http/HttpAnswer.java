package io.beacon.server.http;

import java.nio.charset.StandardCharsets;

/** A response before it is written: status, content type and body. */
public record HttpAnswer(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json;charset=UTF-8";
    public static final String TEXT = "text/plain;charset=UTF-8";

    public static HttpAnswer text(int status, String text) {
        return new HttpAnswer(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpAnswer json(int status, byte[] json) {
        return new HttpAnswer(status, JSON, json);
    }
}
