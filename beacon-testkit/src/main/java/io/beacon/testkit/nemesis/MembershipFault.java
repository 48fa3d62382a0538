// Owns: membership changes as faults — replacing a follower by a wiped new incarnation, or moving leadership.
package io.beacon.testkit.nemesis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * A membership change under load, through the operator API ({@code /beacon/v1/members}, {@code /beacon/v1/leader}).
 * Variants, chosen by the fault's seed:
 * <ul>
 *   <li>replace: remove a follower ({@code DELETE /members/{id}}), kill it, wipe its data and start it with
 *       {@code --join} (a new incarnation, never the voter it was); the heal adds it back
 *       ({@code POST /members?address=ip:port}: a learner, promoted once caught up);</li>
 *   <li>transfer: hand leadership to a random follower ({@code POST /leader?to=id}); nothing to heal.</li>
 * </ul>
 * While a follower is out the cluster has one voter fewer, all connected: tolerated.
 */
final class MembershipFault implements Fault {
    /** How long to keep retrying a change the cluster answers with 409 (another change in flight) or 503. */
    static final Duration RETRY_FOR = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public FaultType type() {
        return FaultType.MEMBERSHIP;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        Map<Integer, NodeStatus> statuses = cluster.statuses();
        List<Integer> followers = new ArrayList<>();
        for (int node : statuses.keySet()) {
            if (node != leader && statuses.get(node).leader() == statuses.get(leader).memberId()) {
                followers.add(node);
            }
        }
        if (followers.isEmpty()) {
            throw new IllegalStateException("no follower of " + ClusterProcesses.name(leader) + " to change: "
                    + cluster.describe(statuses));
        }
        int follower = followers.get(random.nextInt(followers.size()));
        long followerId = statuses.get(follower).memberId();
        if (random.nextBoolean()) {
            return transfer(context, leader, follower, followerId);
        }
        return replace(context, leader, follower, followerId);
    }

    private ActiveFault transfer(FaultContext context, int leader, int follower, long followerId) throws Exception {
        ClusterProcesses cluster = context.cluster();
        String answer = request(context, leader, "POST", "/beacon/v1/leader?to=" + followerId);
        return new ActiveFault(type(), List.of(leader, follower), "transfer leadership from "
                + ClusterProcesses.name(leader) + " to " + ClusterProcesses.name(follower) + " (member " + followerId
                + "): " + answer, true, () -> {
            OptionalInt now = cluster.leader();
            return now.isPresent() && now.getAsInt() == follower ? ClusterProcesses.name(follower) + " leads"
                    : "nothing to heal; " + (now.isPresent() ? ClusterProcesses.name(now.getAsInt()) : "no node")
                    + " leads, not " + ClusterProcesses.name(follower);
        });
    }

    private ActiveFault replace(FaultContext context, int leader, int follower, long followerId) throws Exception {
        ClusterProcesses cluster = context.cluster();
        String name = ClusterProcesses.name(follower);
        String removed = request(context, leader, "DELETE", "/beacon/v1/members/" + followerId);
        cluster.kill(follower);
        cluster.wipe(follower);
        cluster.start(follower);
        return new ActiveFault(type(), List.of(follower), "removed " + name + " (member " + followerId + ") from "
                + "the voters (" + removed + "), wiped its data, started it with --join", true, () -> {
            String added = addBack(context, follower);
            return "added " + name + " back: " + added;
        });
    }

    /** Adds the node back through whichever node leads now; retries while the cluster is busy. */
    private static String addBack(FaultContext context, int node) throws Exception {
        ClusterProcesses cluster = context.cluster();
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(10));
            try {
                HttpResponse<String> response = context.send(leader, "POST", "/beacon/v1/members?address="
                        + cluster.layout().address(node), REQUEST_TIMEOUT);
                if (response.statusCode() == 200) {
                    return response.body();
                }
                // 400: the new server does not answer yet; 409: another change in flight; 503: no leader yet.
                last = response.statusCode() + " " + response.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("could not add " + ClusterProcesses.name(node) + " back within "
                + RETRY_FOR.toSeconds() + " s; last answer: " + last);
    }

    /** Sends an operator request, retrying on 409 and 503; the body of the 200 answer. */
    private static String request(FaultContext context, int node, String method, String path) throws Exception {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = context.send(node, method, path, REQUEST_TIMEOUT);
            if (response.statusCode() == 200) {
                return response.body();
            }
            if (response.statusCode() != 409 && response.statusCode() != 503) {
                throw new IllegalStateException(method + " " + path + " on " + ClusterProcesses.name(node)
                        + " answered " + response.statusCode() + ": " + response.body());
            }
            last = response.statusCode() + " " + response.body();
            Thread.sleep(250);
        }
        throw new IllegalStateException(method + " " + path + " on " + ClusterProcesses.name(node) + " did not "
                + "succeed within " + RETRY_FOR.toSeconds() + " s; last answer: " + last);
    }
}
