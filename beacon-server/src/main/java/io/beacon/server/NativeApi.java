package io.beacon.server;

import com.google.protobuf.ByteString;
import io.beacon.node.NodeRuntime;
import io.beacon.node.NodeStoppedException;
import io.beacon.node.NotAppliedException;
import io.beacon.node.NotLeaderException;
import io.beacon.node.OutcomeUnknownException;
import io.beacon.raft.MembershipChange;
import io.beacon.raft.RaftStatus;
import io.beacon.server.kv.KvStore;
import io.beacon.server.kv.proto.Condition;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * The native API under {@code /beacon/v1}: the key-value store, the cluster's status and health, and the
 * operator's membership and leadership commands. Answers are JSON maps; failures are {@link ApiException}s. A
 * key-value write on a follower reaches the leader through the member itself (see {@link NodeRuntime#propose});
 * a request only the leader can take that this member cannot pass on — an operator's command, or a write the
 * member it was sent to no longer leads — is answered with {@link Forward}, which the HTTP layer carries to the
 * leader.
 */
final class NativeApi {
    static final int MAX_KEY_BYTES = 1024;
    static final String RESERVED_PREFIX = "_beacon/";
    /** A write or read not answered by then gets 503: the cluster may have no leader (a write may yet apply). */
    static final long ANSWER_SECONDS = 10;

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final NodeRuntime node;
    private final KvStore store;
    private final Members members;
    private final long tickMillis;
    private final int maxValueBytes;

    NativeApi(NodeRuntime node, KvStore store, Members members, long tickMillis, int maxValueBytes) {
        this.node = node;
        this.store = store;
        this.members = members;
        this.tickMillis = tickMillis;
        this.maxValueBytes = maxValueBytes;
    }

    /** The leader is elsewhere: send the same request there. */
    static final class Forward extends RuntimeException {
        final InetSocketAddress leader;

        Forward(InetSocketAddress leader) {
            super("forward to " + leader, null, false, false);
            this.leader = leader;
        }
    }

    CompletableFuture<Map<String, Object>> get(String key, boolean linearizable) {
        checkKey(key);
        CompletableFuture<Long> ready = linearizable ? node.linearizableRead().orTimeout(ANSWER_SECONDS, SECONDS)
                : CompletableFuture.completedFuture(0L);
        return ready.handle((index, error) -> {
            if (error != null) {
                throw translate(error, false);
            }
            KvStore.KeyValue kv = store.get(key);
            if (kv == null) {
                throw new ApiException(404, "key not found", Map.of("key", key));
            }
            Map<String, Object> body = describe(kv);
            body.put("revision", store.revision());
            return body;
        });
    }

    CompletableFuture<Map<String, Object>> put(String key, byte[] value, Map<String, String> parameters) {
        checkWritableKey(key);
        if (value.length > maxValueBytes) {
            throw new ApiException(413, "value of " + value.length + " bytes exceeds the limit of " + maxValueBytes,
                    Map.of("limit", maxValueBytes));
        }
        byte[] command = ServerState.command(ServerState.KV, KvStore.put(key, value, condition(parameters)));
        return node.propose(command).orTimeout(ANSWER_SECONDS, SECONDS).handle((result, error) -> {
            if (error != null) {
                throw translate(error, true);
            }
            KvStore.Outcome outcome = (KvStore.Outcome) result;
            if (!outcome.succeeded()) {
                throw conflict(key, outcome);
            }
            Map<String, Object> body = describe(outcome.current());
            body.remove("value");
            body.put("revision", outcome.revision());
            return body;
        });
    }

    CompletableFuture<Map<String, Object>> delete(String key, Map<String, String> parameters) {
        checkWritableKey(key);
        byte[] command = ServerState.command(ServerState.KV, KvStore.delete(key, condition(parameters)));
        return node.propose(command).orTimeout(ANSWER_SECONDS, SECONDS).handle((result, error) -> {
            if (error != null) {
                throw translate(error, true);
            }
            KvStore.Outcome outcome = (KvStore.Outcome) result;
            if (!outcome.succeeded()) {
                if (outcome.current() == null) {
                    throw new ApiException(404, "key not found", Map.of("key", key));
                }
                throw conflict(key, outcome);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("key", key);
            body.put("deleted", true);
            body.put("revision", outcome.revision());
            return body;
        });
    }

    CompletableFuture<Map<String, Object>> cluster() {
        return node.status().thenApply(status -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("memberId", status.id());
            body.put("role", status.role().name());
            body.put("term", status.term());
            body.put("leader", status.leaderId() == 0 ? null : status.leaderId());
            InetSocketAddress leader = members.httpAddressOf(status.leaderId());
            body.put("leaderAddress", leader == null ? null : leader.getHostString() + ":" + leader.getPort());
            body.put("commitIndex", status.commitIndex());
            body.put("appliedIndex", status.appliedIndex());
            body.put("lastIndex", status.lastIndex());
            body.put("snapshotIndex", status.snapshotIndex());
            body.put("voters", List.copyOf(status.configuration().voters()));
            body.put("learners", List.copyOf(status.configuration().learners()));
            List<Map<String, Object>> followers = new ArrayList<>();
            for (RaftStatus.FollowerStatus follower : status.followers()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("memberId", follower.id());
                entry.put("state", follower.replicationState());
                entry.put("matchIndex", follower.matchIndex());
                entry.put("heartbeatAgeMillis", follower.ticksSinceLastResponse() * tickMillis);
                followers.add(entry);
            }
            body.put("followers", followers);
            return body;
        });
    }

    /** The members in the configuration, with their addresses, and the leader. */
    CompletableFuture<Map<String, Object>> members() {
        return node.status().thenApply(status -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leader", status.leaderId() == 0 ? null : status.leaderId());
            body.put("voters", describeMembers(status.configuration().voters()));
            body.put("learners", describeMembers(status.configuration().learners()));
            return body;
        });
    }

    private List<Map<String, Object>> describeMembers(java.util.Collection<Long> ids) {
        List<Map<String, Object>> described = new ArrayList<>();
        for (long id : ids) {
            InetSocketAddress address = members.httpAddressOf(id);
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("memberId", id);
            member.put("address", address == null ? null : address.getHostString() + ":" + address.getPort());
            described.add(member);
        }
        return described;
    }

    /**
     * Adds the server at address (which must run, started with {@code --join}) as a voter: asks it for its member
     * id, records its address in the store so that every member can reach it, then starts the change (it joins
     * as a learner and is promoted once caught up).
     */
    CompletableFuture<Map<String, Object>> addMember(String address) {
        InetSocketAddress server;
        try {
            server = ServerConfig.parseAddress(address == null ? "" : address);
        } catch (ServerConfig.ConfigException e) {
            throw ApiException.badRequest("give the new server's address as ?address=ip:port (" + e.getMessage() + ")");
        }
        return memberIdAt(server).thenCompose(memberId ->
                node.propose(ServerState.command(ServerState.KV, KvStore.put(
                                Members.ADDRESS_KEY_PREFIX + memberId, address.getBytes(StandardCharsets.UTF_8), null))).orTimeout(ANSWER_SECONDS, SECONDS)
                        .thenCompose(recorded -> node.changeMembership(new MembershipChange.AddVoter(memberId)))
                        .handle((index, error) -> {
                            if (error != null) {
                                throw translate(error, true);
                            }
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("memberId", memberId);
                            body.put("address", address);
                            body.put("configurationIndex", index);
                            return body;
                        }));
    }

    CompletableFuture<Map<String, Object>> removeMember(long memberId) {
        return node.changeMembership(new MembershipChange.RemoveMember(memberId)).handle((index, error) -> {
            if (error != null) {
                throw translate(error, true);
            }
            return Map.of("memberId", memberId, "configurationIndex", index);
        });
    }

    CompletableFuture<Map<String, Object>> transferLeader(long to) {
        return node.transferLeadership(to).handle((target, error) -> {
            if (error != null) {
                throw translate(error, true);
            }
            return Map.of("transferringTo", to);
        });
    }

    private CompletableFuture<Long> memberIdAt(InetSocketAddress server) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://"
                        + server.getHostString() + ":" + server.getPort() + NativeRoutes.PREFIX + "/cluster"))
                .timeout(java.time.Duration.ofSeconds(5)).GET().build();
        return HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null || response.statusCode() != 200) {
                throw new ApiException(400, "the server at " + server + " does not answer; start it first with "
                        + "--join" + (error == null ? "" : " (" + error.getMessage() + ")"));
            }
            try {
                long id = JSON.readTree(response.body()).path("memberId").asLong(0);
                if (id <= 0) {
                    throw new ApiException(400, "the server at " + server + " did not say its member id");
                }
                return id;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ApiException(400, "the server at " + server + " answered something else than Beacon");
            }
        });
    }

    CompletableFuture<Map<String, Object>> health() {
        if (node.failure() != null) {
            // Checked first: a stopped member answers no status.
            return CompletableFuture.failedFuture(new ApiException(503, "the member stopped: " + node.failure()));
        }
        return node.status().thenApply(status -> {
            if (status.leaderId() == 0) {
                throw new ApiException(503, "no leader");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "UP");
            body.put("memberId", status.id());
            body.put("role", status.role().name());
            body.put("leader", status.leaderId());
            return body;
        });
    }

    private static void checkWritableKey(String key) {
        checkKey(key);
        if (key.startsWith(RESERVED_PREFIX)) {
            throw ApiException.badRequest("keys under " + RESERVED_PREFIX + " are Beacon's own; choose another key");
        }
    }

    private static void checkKey(String key) {
        if (key.isEmpty()) {
            throw ApiException.badRequest("the key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw ApiException.badRequest("the key is longer than " + MAX_KEY_BYTES + " bytes");
        }
    }

    private static Condition condition(Map<String, String> parameters) {
        String value = parameters.get("prevValue");
        String revision = parameters.get("prevRevision");
        if (value != null && revision != null) {
            throw ApiException.badRequest("give prevValue or prevRevision, not both");
        }
        if (value != null) {
            return Condition.newBuilder().setValue(ByteString.copyFromUtf8(value)).build();
        }
        if (revision != null) {
            try {
                long expected = Long.parseLong(revision);
                if (expected < 0) {
                    throw ApiException.badRequest("prevRevision must not be negative");
                }
                return Condition.newBuilder().setModRevision(expected).build();
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("prevRevision must be a number, was '" + revision + "'");
            }
        }
        return null;
    }

    private static ApiException conflict(String key, KvStore.Outcome outcome) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("key", key);
        details.put("current", outcome.current() == null ? null : describe(outcome.current()));
        details.put("revision", outcome.revision());
        return new ApiException(409, "compare-and-set failed: the key does not match the condition", details);
    }

    private static Map<String, Object> describe(KvStore.KeyValue kv) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", kv.key());
        body.put("value", new String(kv.value(), StandardCharsets.UTF_8));
        body.put("createRevision", kv.createRevision());
        body.put("modRevision", kv.modRevision());
        body.put("version", kv.version());
        return body;
    }

    /** Maps the node's failures to API errors; a write for another leader becomes a {@link Forward}. */
    private RuntimeException translate(Throwable error, boolean write) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof NotLeaderException notLeader) {
            InetSocketAddress leader = members.httpAddressOf(notLeader.leaderHint());
            if (write && leader != null) {
                return new Forward(leader);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("leader", leader == null ? null : leader.getHostString() + ":" + leader.getPort());
            return ApiException.unavailable(notLeader.getMessage(), false, details);
        }
        if (cause instanceof NotAppliedException) {
            return ApiException.unavailable(cause.getMessage(), false, Map.of());
        }
        if (cause instanceof NodeStoppedException) {
            // The member may have stopped after the write went into its log and out to the others.
            return ApiException.unavailable(cause.getMessage(), write, Map.of());
        }
        if (cause instanceof OutcomeUnknownException) {
            return ApiException.unavailable(cause.getMessage() + "; read before retrying a compare-and-set", true,
                    Map.of());
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return ApiException.unavailable("no answer within " + ANSWER_SECONDS + " s (no leader, or the cluster "
                    + "is overloaded); a write may still be applied later: read before retrying a compare-and-set",
                    write, Map.of());
        }
        if (cause instanceof io.beacon.raft.ProposalRejectedException rejected) {
            // Another membership change in the way conflicts; the others pass within moments: retry.
            Map<String, Object> reason = Map.of("reason", rejected.reason().name());
            return rejected.reason() == io.beacon.raft.ProposalRejectedException.Reason.MEMBERSHIP_CHANGE_IN_PROGRESS
                    ? new ApiException(409, rejected.getMessage(), reason)
                    : ApiException.unavailable(rejected.getMessage(), false, reason);
        }
        if (cause instanceof IllegalArgumentException invalid) {
            return new ApiException(400, invalid.getMessage());
        }
        return new ApiException(500, "internal error: " + cause);
    }
}
