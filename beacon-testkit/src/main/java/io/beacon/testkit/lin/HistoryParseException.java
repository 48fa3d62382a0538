// Owns: the error raised for a malformed history file, naming the file and the line.
package io.beacon.testkit.lin;

/** A history file could not be parsed; the message reads {@code SOURCE:LINE: problem}. */
public final class HistoryParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    public HistoryParseException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }
}
