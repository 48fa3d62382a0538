package io.beacon.server.http;

import java.util.concurrent.CompletableFuture;

/** The endpoints under one path prefix: the HTTP server hands them every request whose path they own. */
public interface Routes {
    /** Whether the path is under this API's prefix (even if no endpoint of it matches: that answer is theirs). */
    boolean owns(String path);

    /**
     * Answers a request. Every failure a client can cause must come back as an answer with its status, never as
     * an exception; an exception (thrown or in the future) is a bug and is answered 500.
     */
    CompletableFuture<HttpAnswer> handle(HttpCall call);
}
