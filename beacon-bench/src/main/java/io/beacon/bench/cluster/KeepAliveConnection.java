package io.beacon.bench.cluster;

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
 * few microseconds per small request, where {@code java.net.http} costs tens (futures, executors, header maps):
 * enough for one load-generator JVM on a shared 2-core machine to send the 20,000 beats/s the naming benchmark
 * needs beside three servers. Answers must carry {@code Content-Length} (Beacon's always do); their body is
 * discarded. After a {@code Connection: close} answer or an I/O error the next call dials again.
 */
final class KeepAliveConnection implements AutoCloseable {
    private static final byte[] TAIL = " HTTP/1.1\r\nHost: bench\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private final byte[] buffer = new byte[16 * 1024];
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private int start;
    private int end;

    KeepAliveConnection(String host, int port, int timeoutMillis) {
        this.address = new InetSocketAddress(host, port);
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends a request without a body and waits for its answer; the status code. */
    int call(String method, String pathAndQuery) throws IOException {
        try {
            if (socket == null) {
                dial();
            }
            out.write(method.getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.write(pathAndQuery.getBytes(StandardCharsets.US_ASCII));
            out.write(TAIL);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void dial() throws IOException {
        Socket dialed = new Socket();
        dialed.setTcpNoDelay(true);
        dialed.connect(address, timeoutMillis);
        dialed.setSoTimeout(timeoutMillis);
        socket = dialed;
        out = new BufferedOutputStream(dialed.getOutputStream(), 4096);
        in = dialed.getInputStream();
        start = 0;
        end = 0;
    }

    private int readAnswer() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean closing = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                closing = true;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                throw new IOException("chunked answers are not read by this client");
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length");
        }
        skip(length);
        if (closing) {
            close();
        }
        return status;
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

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            if (start == end) {
                fill();
            }
            int step = (int) Math.min(bytes, end - start);
            start += step;
            bytes -= step;
        }
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
