package io.beacon.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Free ports and plain HTTP calls for the server tests. */
final class ServerTestSupport {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerTestSupport() {
    }

    /** Every port {@link #freeHttpPort} handed out, HTTP and peer: free now, but maybe not yet bound. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * An HTTP port that is free on 127.0.0.1, and whose peer port (1000 lower) is free too, neither handed out
     * before (a test asks for several before it starts any server; one's peer port must not be another's HTTP
     * port).
     */
    static int freeHttpPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            if (port <= 1000 || HANDED_OUT.contains(port) || HANDED_OUT.contains(port - 1000)) {
                continue;
            }
            try (ServerSocket peer = new ServerSocket(port - 1000, 1, InetAddress.getByName("127.0.0.1"))) {
                HANDED_OUT.add(port);
                HANDED_OUT.add(port - 1000);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free pair of ports");
    }

    /** Waits up to 30 s for the server at port to know a leader ({@code /beacon/v1/health} 200). */
    static void awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (call("GET", port, "/beacon/v1/health", null).status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no leader at port " + port + " within 30 s");
            }
            Thread.sleep(20);
        }
    }

    record Answer(int status, String body) {
    }

    /** A call with an application/x-www-form-urlencoded body, as nacos-client sends its beats. */
    static Answer callForm(String method, int port, String pathAndQuery, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    static Answer callWithHeader(String method, int port, String pathAndQuery, String name, String value)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(15)).header(name, value)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    static Answer call(String method, int port, String pathAndQuery, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
