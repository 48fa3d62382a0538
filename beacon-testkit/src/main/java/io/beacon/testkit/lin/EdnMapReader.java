// Owns: reading one flat EDN map (keywords, strings, integers, nil, booleans) from a line of text.
package io.beacon.testkit.lin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal reader for a flat EDN map such as {@code {:process 0, :type :invoke, :key "7", :value nil}}. Keys must be
 * keywords. Values: strings (returned as {@link String}), keywords ({@link Keyword}), integers ({@link Long}),
 * {@code true}/{@code false} ({@link Boolean}) and {@code nil} (null). Commas are whitespace. Errors are
 * {@link IllegalArgumentException}s naming the column.
 */
final class EdnMapReader {

    /** An EDN keyword, e.g. {@code :invoke} has the name "invoke". */
    record Keyword(String name) {
        @Override
        public String toString() {
            return ":" + name;
        }
    }

    private final String text;
    private int position;

    private EdnMapReader(String text) {
        this.text = text;
    }

    static Map<String, Object> readMap(String text) {
        EdnMapReader reader = new EdnMapReader(text);
        Map<String, Object> map = reader.map();
        reader.skipWhitespace();
        if (reader.position < text.length()) {
            throw reader.error("unexpected text after the map");
        }
        return map;
    }

    private Map<String, Object> map() {
        skipWhitespace();
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipWhitespace();
            if (peek() == '}') {
                position++;
                return map;
            }
            if (peek() != ':') {
                throw error("expected a keyword key or '}'");
            }
            String key = keyword().name();
            skipWhitespace();
            Object value = value();
            if (map.containsKey(key)) {
                throw error("duplicate key :" + key);
            }
            map.put(key, value);
        }
    }

    private Object value() {
        char first = peek();
        if (first == '"') {
            return string();
        }
        if (first == ':') {
            return keyword();
        }
        String token = token();
        switch (token) {
            case "nil":
                return null;
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                try {
                    return Long.parseLong(token);
                } catch (NumberFormatException notANumber) {
                    throw error("unsupported value '" + token + "'");
                }
        }
    }

    private Keyword keyword() {
        expect(':');
        String name = token();
        if (name.isEmpty()) {
            throw error("empty keyword");
        }
        return new Keyword(name);
    }

    private String token() {
        int start = position;
        while (position < text.length() && !isDelimiter(text.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw error("expected a value");
        }
        return text.substring(start, position);
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            char character = text.charAt(position++);
            if (character == '"') {
                return value.toString();
            }
            if (character != '\\') {
                value.append(character);
                continue;
            }
            if (position >= text.length()) {
                throw error("unterminated escape");
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '"', '\\' -> value.append(escaped);
                case 'n' -> value.append('\n');
                case 't' -> value.append('\t');
                case 'r' -> value.append('\r');
                default -> throw error("unsupported escape \\" + escaped);
            }
        }
    }

    private static boolean isDelimiter(char character) {
        return Character.isWhitespace(character) || character == ',' || character == '{' || character == '}'
            || character == '"';
    }

    private void skipWhitespace() {
        while (position < text.length()
            && (Character.isWhitespace(text.charAt(position)) || text.charAt(position) == ',')) {
            position++;
        }
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end of line");
        }
        return text.charAt(position);
    }

    private void expect(char expected) {
        if (peek() != expected) {
            throw error("expected '" + expected + "'");
        }
        position++;
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(problem + " at column " + (position + 1));
    }
}
