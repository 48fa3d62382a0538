// Owns: one server's answer to GET /beacon/v1/cluster, as a value. No I/O.
package io.beacon.testkit.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server says of itself and the cluster ({@code GET /beacon/v1/cluster}): its member id (an incarnation:
 * it changes when a wiped server joins again), role ({@code LEADER}, {@code FOLLOWER}, {@code PRE_CANDIDATE},
 * {@code CANDIDATE}), term, the leader it knows (0: none), commit and applied index, and the voters of the
 * configuration it acts on.
 */
public record NodeStatus(long memberId, String role, long term, long leader, long commitIndex, long appliedIndex,
                         List<Long> voters) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public NodeStatus {
        voters = List.copyOf(voters);
    }

    public boolean isLeader() {
        return role.equals("LEADER");
    }

    /** Parses the JSON body of {@code /beacon/v1/cluster}. */
    public static NodeStatus parse(String body) throws IOException {
        JsonNode json = JSON.readTree(body);
        if (!json.has("memberId") || !json.has("role")) {
            throw new IOException("not a /beacon/v1/cluster answer: " + body);
        }
        List<Long> voters = new ArrayList<>();
        json.path("voters").forEach(voter -> voters.add(voter.asLong()));
        return new NodeStatus(json.path("memberId").asLong(), json.path("role").asText(), json.path("term").asLong(),
                json.path("leader").asLong(0), json.path("commitIndex").asLong(), json.path("appliedIndex").asLong(),
                voters);
    }

    /** Short form for messages: {@code id=.. LEADER term=3 leader=.. commit=.. applied=..}. */
    public String summary() {
        return "member=" + memberId + " " + role + " term=" + term + " leader=" + leader + " commit=" + commitIndex
                + " applied=" + appliedIndex;
    }
}
