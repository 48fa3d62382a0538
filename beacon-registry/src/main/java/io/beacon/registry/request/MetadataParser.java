package io.beacon.registry.request;

import io.beacon.registry.model.NacosErrors;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses a {@code metadata} parameter the two ways Nacos accepts it: a flat JSON object
 * ({@code {"version":"1","weight":2}}) or {@code k=v} pairs separated by commas ({@code version=1,zone=a}; each
 * pair must split on '=' into exactly a non-empty key and a value, nothing is trimmed). Blank text is no metadata.
 * Enforces size limits, because metadata rides in every instance list and UDP push:
 * {@value #MAX_TEXT_CHARS} characters of text, {@value #MAX_ENTRIES} entries, keys up to
 * {@value #MAX_KEY_CHARS} and values up to {@value #MAX_VALUE_CHARS} characters.
 */
public final class MetadataParser {
    public static final int MAX_TEXT_CHARS = 16 * 1024;
    public static final int MAX_ENTRIES = 128;
    public static final int MAX_KEY_CHARS = 256;
    public static final int MAX_VALUE_CHARS = 4096;

    private MetadataParser() {
    }

    /** The metadata the text describes, sorted by key. */
    public static SortedMap<String, String> parse(String text) {
        if (text == null || text.isBlank()) {
            return new TreeMap<>();
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw refuse(text.substring(0, 64) + "...", "longer than " + MAX_TEXT_CHARS + " characters");
        }
        SortedMap<String, String> metadata = text.strip().startsWith("{") ? json(text) : pairs(text);
        if (metadata.size() > MAX_ENTRIES) {
            throw refuse(text, "more than " + MAX_ENTRIES + " entries");
        }
        metadata.forEach((key, value) -> {
            if (key.length() > MAX_KEY_CHARS) {
                throw refuse(text, "key longer than " + MAX_KEY_CHARS + " characters");
            }
            if (value.length() > MAX_VALUE_CHARS) {
                throw refuse(text, "value of '" + key + "' longer than " + MAX_VALUE_CHARS + " characters");
            }
        });
        return metadata;
    }

    private static SortedMap<String, String> json(String text) {
        try {
            return FlatJson.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw refuse(text, e.getMessage());
        }
    }

    private static SortedMap<String, String> pairs(String text) {
        TreeMap<String, String> metadata = new TreeMap<>();
        for (String pair : text.split(",")) {
            String[] keyValue = pair.split("=");
            if (keyValue.length != 2 || keyValue[0].isEmpty()) {
                throw refuse(text, "expected key=value pairs separated by ',', got '" + pair + "'");
            }
            metadata.put(keyValue[0], keyValue[1]);
        }
        return metadata;
    }

    private static InvalidRequestException refuse(String text, String reason) {
        return new InvalidRequestException(NacosErrors.metadataIncorrect(text, reason));
    }
}
