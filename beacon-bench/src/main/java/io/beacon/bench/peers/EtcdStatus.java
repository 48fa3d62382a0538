package io.beacon.bench.peers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one etcd member says of itself in the HTTP gateway's answer to {@code POST /v3/maintenance/status}: its
 * member id, the id of the leader it knows (empty when it knows none: the gateway leaves out a zero field) and its
 * raft term. Ids are unsigned 64-bit numbers, written as decimal strings, and compared as such.
 */
record EtcdStatus(String memberId, String leader, long term) {
    private static final Pattern MEMBER_ID = field("member_id");
    private static final Pattern LEADER = field("leader");
    private static final Pattern TERM = field("raft_term");

    /** Whether the member says that it leads. */
    boolean leads() {
        return !leader.isEmpty() && leader.equals(memberId);
    }

    /** Reads a status answer; throws IllegalArgumentException if it has no member id or term. */
    static EtcdStatus parse(String json) {
        return new EtcdStatus(required(MEMBER_ID, json), optional(LEADER, json), Long.parseLong(required(TERM, json)));
    }

    /** A string field anywhere in the answer ({@code member_id} and {@code raft_term} are in its header). */
    private static Pattern field(String name) {
        return Pattern.compile("\"" + name + "\"\\s*:\\s*\"(\\d+)\"");
    }

    private static String required(Pattern field, String json) {
        String value = optional(field, json);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no " + field.pattern() + " in " + json);
        }
        return value;
    }

    private static String optional(Pattern field, String json) {
        Matcher matcher = field.matcher(json);
        return matcher.find() ? matcher.group(1) : "";
    }
}
