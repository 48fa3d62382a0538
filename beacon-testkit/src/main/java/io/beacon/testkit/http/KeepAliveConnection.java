package io.beacon.testkit.http;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection used by one thread, one request at a time, with blocking calls. It costs a
 * few microseconds per small request, where {@code java.net.http} costs tens (futures, executors, header maps), and
 * it never sends a request twice: a test client that must record whether an operation may have taken effect needs
 * exactly that ({@code java.net.http} and {@code HttpURLConnection} may quietly resend). Answers must carry
 * {@code Content-Length} (Beacon's always do). After a {@code Connection: close} answer or an I/O error the next
 * call dials again.
 */
public final class KeepAliveConnection implements AutoCloseable {
    /** A status and the body's bytes. */
    public record Answer(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The request was not sent: the connection could not be made, so it certainly had no effect. */
    public static final class NotSentException extends IOException {
        NotSentException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static final byte[] NO_BODY = new byte[0];

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private final byte[] buffer = new byte[16 * 1024];
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private int start;
    private int end;

    /** A connection to host:port (dialled at the first call); timeoutMillis bounds the dial and each read. */
    public KeepAliveConnection(String host, int port, int timeoutMillis) {
        this.address = new InetSocketAddress(host, port);
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends a request without a body and waits for its answer; the status code. */
    public int call(String method, String pathAndQuery) throws IOException {
        return exchange(method, pathAndQuery, NO_BODY).status();
    }

    /**
     * Sends a request (its body may be empty) and waits for the answer. Throws {@link NotSentException} if no
     * connection could be made, and another IOException if the answer did not come (the request may have taken
     * effect).
     */
    public Answer exchange(String method, String pathAndQuery, byte[] body) throws IOException {
        if (socket == null) {
            dial();
        }
        try {
            out.write((method + ' ' + pathAndQuery + " HTTP/1.1\r\nHost: " + address.getHostString()
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void dial() throws NotSentException {
        Socket dialed = new Socket();
        try {
            dialed.setTcpNoDelay(true);
            dialed.connect(address, timeoutMillis);
            dialed.setSoTimeout(timeoutMillis);
            out = new BufferedOutputStream(dialed.getOutputStream(), 4096);
            in = dialed.getInputStream();
        } catch (IOException e) {
            try {
                dialed.close();
            } catch (IOException ignored) {
                // failed anyway
            }
            throw new NotSentException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        socket = dialed;
        start = 0;
        end = 0;
    }

    private Answer readAnswer() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = -1;
        boolean closing = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                closing = true;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                throw new IOException("chunked answers are not read by this client");
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length");
        }
        byte[] body = read(length);
        if (closing) {
            close();
        }
        return new Answer(status, body);
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (start == end) {
                fill();
            }
            byte b = buffer[start++];
            if (b == '\n') {
                int last = line.length() - 1;
                return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
            }
            line.append((char) (b & 0xff));
        }
    }

    private byte[] read(int length) throws IOException {
        byte[] body = new byte[length];
        int at = 0;
        while (at < length) {
            if (start == end) {
                fill();
            }
            int step = Math.min(length - at, end - start);
            System.arraycopy(buffer, start, body, at, step);
            start += step;
            at += step;
        }
        return body;
    }

    private void fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            throw new EOFException("the server closed the connection");
        }
        start = 0;
        end = read;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
