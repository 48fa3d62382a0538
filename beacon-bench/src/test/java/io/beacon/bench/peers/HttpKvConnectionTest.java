package io.beacon.bench.peers;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's event-loop HTTP client against a scripted server on loopback. */
class HttpKvConnectionTest {
    private static final byte[] NO_BODY = new byte[0];

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
    }

    @Test
    void requestsShareOneConnectionAndChunkedAnswersAreReadWhole() throws Exception {
        Server server = server(request -> request.startsWith("PUT /kv/a ")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                : "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nno \r\n6\r\nleader\r\n0\r\n\r\n");
        HttpKvConnection connection = connection(server.port(), 5000);

        HttpKvConnection.Answer put = connection.exchange(HttpMethod.PUT, "/kv/a", "value".getBytes(), null)
                .get(10, TimeUnit.SECONDS);
        assertThat(put.status()).isEqualTo(200);
        assertThat(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
        HttpKvConnection.Answer refused = connection.exchange(HttpMethod.GET, "/kv/b", NO_BODY, null)
                .get(10, TimeUnit.SECONDS);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo("no leader");

        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.requests).containsExactly("PUT /kv/a HTTP/1.1", "GET /kv/b HTTP/1.1");
    }

    @Test
    void anUnansweredRequestTimesOutAndTheNextOneDialsAgain() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        Server server = server(request -> seen.incrementAndGet() == 1 ? null
                : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        HttpKvConnection connection = connection(server.port(), 300);

        CompletableFuture<HttpKvConnection.Answer> silent = connection.exchange(HttpMethod.GET, "/kv/x", NO_BODY,
                null);
        assertThatThrownBy(() -> silent.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(connection.exchange(HttpMethod.GET, "/kv/x", NO_BODY, null).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        assertThat(server.connections.get()).as("a late answer must not be taken for the next request's")
                .isEqualTo(2);
    }

    @Test
    void aConnectionCloseAnswerMakesTheNextRequestDialAgain() throws Exception {
        Server server = server(request -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        HttpKvConnection connection = connection(server.port(), 5000);
        for (int i = 0; i < 3; i++) {
            assertThat(connection.exchange(HttpMethod.GET, "/kv/y", NO_BODY, null).get(10, TimeUnit.SECONDS)
                    .status()).isEqualTo(200);
        }
        assertThat(server.connections.get()).isEqualTo(3);
    }

    @Test
    void nothingListeningFailsWithAnIoErrorAndOnlyOneRequestAtATimeIsTaken() throws Exception {
        int unused;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = socket.getLocalPort();
        }
        HttpKvConnection refused = connection(unused, 5000);
        assertThatThrownBy(() -> refused.exchange(HttpMethod.GET, "/kv/z", NO_BODY, null).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class);

        Server silent = server(request -> null);
        HttpKvConnection connection = connection(silent.port(), 5000);
        CompletableFuture<HttpKvConnection.Answer> first = connection.exchange(HttpMethod.GET, "/kv/1", NO_BODY,
                null);
        assertThatThrownBy(() -> connection.exchange(HttpMethod.GET, "/kv/2", NO_BODY, null)
                .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        connection.close();
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    private HttpKvConnection connection(int port, int timeoutMillis) {
        HttpKvConnection connection = new HttpKvConnection("127.0.0.1", port, timeoutMillis);
        closing.add(connection);
        return connection;
    }

    private Server server(Function<String, String> answers) throws IOException {
        Server server = new Server(answers);
        closing.add(server);
        return server;
    }

    /**
     * Accepts connections on loopback and answers each request (its headers read, its Content-Length body
     * skipped) with what answers gives for its request line, or nothing if that is null.
     */
    private static final class Server implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Function<String, String> answers;
        private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();

        Server(Function<String, String> answers) throws IOException {
            this.answers = answers;
            Thread acceptor = new Thread(this::accept, "test-http-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = socket.accept();
                    accepted.add(client);
                    connections.incrementAndGet();
                    Thread serving = new Thread(() -> serve(client), "test-http-connection");
                    serving.setDaemon(true);
                    serving.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket client) {
            try (client) {
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = client.getOutputStream();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    int length = 0;
                    for (String header = in.readLine(); header != null && !header.isEmpty();
                         header = in.readLine()) {
                        if (header.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(header.substring(15).trim());
                        }
                    }
                    in.skip(length);
                    requests.add(line);
                    String answer = answers.apply(line);
                    if (answer != null) {
                        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        if (answer.contains("Connection: close")) {
                            return;
                        }
                    }
                }
            } catch (IOException broken) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket client : accepted) {
                client.close();
            }
        }
    }
}
