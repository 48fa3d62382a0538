package io.beacon.bench.peers;

/** Escaping of text for XML character data and attribute values. */
final class Xml {
    private Xml() {
    }

    /**
     * The text with the five XML special characters escaped, and the characters XML 1.0 does not allow (control
     * characters other than tab, line feed and carriage return, and U+FFFE, U+FFFF) replaced by a question mark.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF
                        ? '?' : c);
            }
        }
        return out.toString();
    }
}
