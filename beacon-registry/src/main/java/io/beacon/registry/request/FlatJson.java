package io.beacon.registry.request;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parser for the one JSON shape the naming API takes as parameter text (metadata, selector): a flat object whose
 * values are strings, numbers or booleans. Values come back as text (numbers as written, booleans as
 * {@code true}/{@code false}); a repeated key keeps its last value. Anything else (null values, nested objects or
 * arrays, trailing text, bad escapes) is refused with an IllegalArgumentException that says what and where.
 */
final class FlatJson {
    private final String text;
    private int position;

    private FlatJson(String text) {
        this.text = text;
    }

    static SortedMap<String, String> parseObject(String text) {
        return new FlatJson(text).object();
    }

    private SortedMap<String, String> object() {
        TreeMap<String, String> values = new TreeMap<>();
        skipWhitespace();
        expect('{');
        skipWhitespace();
        if (peek() == '}') {
            position++;
        } else {
            while (true) {
                skipWhitespace();
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                values.put(key, value(key));
                skipWhitespace();
                char next = next("',' or '}'");
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw error("expected ',' or '}' but found '" + next + "'");
                }
            }
        }
        skipWhitespace();
        if (position < text.length()) {
            throw error("unexpected text after the object");
        }
        return values;
    }

    private String value(String key) {
        char first = peek();
        if (first == '"') {
            return string();
        }
        if (first == '{' || first == '[') {
            throw error("the value of '" + key + "' is an object or array; only strings, numbers and booleans are "
                    + "allowed");
        }
        if (text.startsWith("true", position)) {
            position += 4;
            return "true";
        }
        if (text.startsWith("false", position)) {
            position += 5;
            return "false";
        }
        if (text.startsWith("null", position)) {
            throw error("the value of '" + key + "' is null; only strings, numbers and booleans are allowed");
        }
        return number(key);
    }

    private String number(String key) {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        int integerDigits = digits();
        if (integerDigits == 0 || integerDigits > 1 && text.charAt(position - integerDigits) == '0') {
            throw error("the value of '" + key + "' is not a string, number or boolean");
        }
        if (position < text.length() && text.charAt(position) == '.') {
            position++;
            if (digits() == 0) {
                throw error("the number of '" + key + "' has no digits after '.'");
            }
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-')) {
                position++;
            }
            if (digits() == 0) {
                throw error("the number of '" + key + "' has no exponent digits");
            }
        }
        return text.substring(start, position);
    }

    private int digits() {
        int start = position;
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
            position++;
        }
        return position - start;
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = next("the closing '\"'");
            if (c == '"') {
                return value.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = next("an escape");
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> value.append(unicodeEscape());
                default -> throw error("bad escape '\\" + escaped + "'");
            }
        }
    }

    private char unicodeEscape() {
        if (position + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(position++), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private void skipWhitespace() {
        while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    private char next(String expected) {
        if (position >= text.length()) {
            throw error("unexpected end, expected " + expected);
        }
        return text.charAt(position++);
    }

    private void expect(char expected) {
        char found = next("'" + expected + "'");
        if (found != expected) {
            throw error("expected '" + expected + "' but found '" + found + "'");
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("invalid JSON at offset " + position + ": " + message);
    }
}
