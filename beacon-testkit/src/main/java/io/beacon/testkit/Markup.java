package io.beacon.testkit;

/** Text made safe to put inside HTML or XML markup: the nemesis timeline's page and the benchmark's charts. */
public final class Markup {
    private Markup() {
    }

    /**
     * Escapes text for HTML and XML: the five markup characters, and control characters that XML forbids become
     * U+FFFD.
     */
    public static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            switch (character) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> {
                    boolean forbidden = character < 0x20 && character != '\n' && character != '\r'
                        && character != '\t' || character == 0xFFFE || character == 0xFFFF;
                    escaped.append(forbidden ? '\uFFFD' : character);
                }
            }
        }
        return escaped.toString();
    }
}
