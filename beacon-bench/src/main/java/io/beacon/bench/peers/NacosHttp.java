package io.beacon.bench.peers;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP/1.1 framing around one Nacos 1.1.4 heartbeat and its reply, written out line by line so that every byte
 * counted is visible here.
 *
 * <p><b>Request</b> (leader to follower). Nacos posts the beat through its asynchronous HTTP client (the Netty
 * provider of com.ning async-http-client), which sets Host, Connection, User-Agent and Content-Length itself; Nacos's
 * {@code asyncHttpPostLarge} adds Content-Type, Accept-Charset, Accept-Encoding and Content-Encoding. The path is
 * the default context path {@code /nacos} plus {@code /v1/ns/raft/beat}, and the user agent is
 * {@code Nacos-Server:1.1.4}. Some releases of that client also add {@code Accept: *}{@code /*} (13 more bytes);
 * it is left out here.
 *
 * <p><b>Reply</b> (follower to leader). Spring MVC on the embedded Tomcat of Spring Boot 2.1 answers with a reason-less
 * status line, a JSON content type, a Date header, and the body in one chunk of chunked transfer encoding (the
 * JSON converter flushes before Tomcat could set Content-Length). Were Content-Length set instead, the reply would
 * be a few bytes smaller. Tomcat's response compression is off by default, so the reply is not gzipped.
 *
 * <p>Connection set-up is not counted: the client pools connections with a 10 s idle timeout, longer than the 5 s
 * between beats, so each follower's connection is reused.
 */
public final class NacosHttp {
    /** The path the leader posts each heartbeat to. */
    public static final String BEAT_PATH = "/nacos/v1/ns/raft/beat";
    /** The User-Agent of every request between Nacos 1.1.4 servers. */
    public static final String USER_AGENT = "Nacos-Server:1.1.4";
    /** A Date header value: IMF-fixdate always has this length, so the date itself does not matter. */
    static final String DATE = "Thu, 01 Jan 2026 00:00:00 GMT";
    private static final String CHUNKED_END = "0\r\n\r\n";

    private NacosHttp() {
    }

    /** The request line and header lines (without line ends) of a beat of bodyLength bytes to follower. */
    public static List<String> beatRequestHead(String follower, int bodyLength) {
        return List.of(
                "POST " + BEAT_PATH + " HTTP/1.1",
                "Host: " + follower,
                "Content-Type: application/json; charset=UTF-8",
                "Accept-Charset: UTF-8",
                "Accept-Encoding: gzip",
                "Content-Encoding: gzip",
                "Connection: keep-alive",
                "User-Agent: " + USER_AGENT,
                "Content-Length: " + bodyLength);
    }

    /** The status line and header lines (without line ends) of a follower's 200 reply to a beat. */
    public static List<String> beatReplyHead() {
        return List.of(
                "HTTP/1.1 200 ",
                "Content-Type: application/json;charset=UTF-8",
                "Transfer-Encoding: chunked",
                "Date: " + DATE);
    }

    /** The bytes of a head: each line with CRLF, and the empty line that ends it. */
    public static int headBytes(List<String> lines) {
        int bytes = 2;
        for (String line : lines) {
            bytes += line.getBytes(StandardCharsets.US_ASCII).length + 2;
        }
        return bytes;
    }

    /** The bytes of a body of bodyLength bytes sent as one chunk followed by the last, empty chunk. */
    public static int chunkedBytes(int bodyLength) {
        return Integer.toHexString(bodyLength).length() + 2 + bodyLength + 2 + CHUNKED_END.length();
    }
}
