// Owns: choosing a network partition between the nodes and putting it in place with the firewall.
package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A network partition between nodes, made of directed cuts ({@link Firewall}); the heal removes them. Variants,
 * chosen by the fault's seed:
 * <ul>
 *   <li>isolate one random node, or isolate the leader;</li>
 *   <li>halves: a random minority (⌊n/2⌋ nodes) cut off from the majority;</li>
 *   <li>one-way: one node receives nothing from the others, or the others receive nothing from it;</li>
 *   <li>majorities ring (5 or more nodes): the nodes in a random circle, each connected only to its two
 *       neighbours, so every node sees a majority (itself and its neighbours) but no two see the same one.</li>
 * </ul>
 * Cuts are between the nodes' addresses only: clients (on 127.0.0.1) reach every node throughout.
 */
final class PartitionFault implements Fault {
    enum Variant { ISOLATE_ONE, ISOLATE_LEADER, HALVES, ONE_WAY, RING }

    /** The directed cuts between node indexes (from, to) and what they are. */
    record Plan(Variant variant, Set<List<Integer>> cuts, List<Integer> nodes, String detail) {
    }

    @Override
    public FaultType type() {
        return FaultType.PARTITION;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        Firewall firewall = context.firewall();
        Plan plan = plan(cluster.size(), random, cluster.leader());
        try {
            for (List<Integer> cut : plan.cuts()) {
                firewall.cut(cluster.layout().host(cut.get(0)), cluster.layout().host(cut.get(1)));
            }
        } catch (Exception e) {
            firewall.healAll();
            throw e;
        }
        boolean tolerated = majorityConnected(cluster.size(), plan.cuts());
        return new ActiveFault(type(), plan.nodes(), plan.detail() + " (" + plan.cuts().size() + " iptables DROP "
                + "rules)", tolerated, () -> {
            int rules = firewall.cuts().size();
            firewall.healAll();
            return "removed " + rules + " iptables rules";
        });
    }

    /** The partition to make among n nodes; the leader (if known) for the variant that isolates it. */
    static Plan plan(int n, SplittableRandom random, OptionalInt leader) {
        List<Variant> variants = new ArrayList<>(List.of(Variant.ISOLATE_ONE, Variant.ISOLATE_LEADER, Variant.HALVES,
                Variant.ONE_WAY));
        if (n >= 5) {
            variants.add(Variant.RING);
        }
        Variant variant = variants.get(random.nextInt(variants.size()));
        List<Integer> order = shuffled(n, random);
        Set<List<Integer>> cuts = new LinkedHashSet<>();
        switch (variant) {
            case ISOLATE_ONE, ISOLATE_LEADER -> {
                boolean ofLeader = variant == Variant.ISOLATE_LEADER && leader.isPresent();
                int isolated = ofLeader ? leader.getAsInt() : order.get(0);
                cutBetween(List.of(isolated), others(n, List.of(isolated)), cuts);
                return new Plan(variant, cuts, List.of(isolated), "isolate " + ClusterProcesses.name(isolated)
                        + (ofLeader ? " (the leader)" : ""));
            }
            case HALVES -> {
                List<Integer> minority = List.copyOf(order.subList(0, n / 2));
                List<Integer> majority = others(n, minority);
                cutBetween(minority, majority, cuts);
                return new Plan(variant, cuts, minority, "halves: minority " + names(minority) + " | majority "
                        + names(majority));
            }
            case ONE_WAY -> {
                int node = order.get(0);
                boolean deaf = random.nextBoolean();
                for (int other : others(n, List.of(node))) {
                    cuts.add(deaf ? List.of(other, node) : List.of(node, other));
                }
                return new Plan(variant, cuts, List.of(node), "one-way: " + ClusterProcesses.name(node)
                        + (deaf ? " receives nothing from the others (it can still send)"
                        : " cannot send to the others (it still receives)"));
            }
            case RING -> {
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        int distance = Math.min(j - i, n - (j - i));
                        if (distance > 1) {
                            cuts.add(List.of(order.get(i), order.get(j)));
                            cuts.add(List.of(order.get(j), order.get(i)));
                        }
                    }
                }
                List<String> circle = new ArrayList<>();
                order.forEach(node -> circle.add(ClusterProcesses.name(node)));
                circle.add(ClusterProcesses.name(order.get(0)));
                return new Plan(variant, cuts, order, "majorities ring: " + String.join("-", circle)
                        + " (each node reaches only its neighbours)");
            }
            default -> throw new IllegalStateException("unknown partition variant " + variant);
        }
    }

    /**
     * Whether some node, together with the nodes it is connected to both ways, makes a majority: then a leader
     * there can commit, and the cluster should stay available (to clients of those nodes).
     */
    static boolean majorityConnected(int n, Set<List<Integer>> cuts) {
        for (int centre = 0; centre < n; centre++) {
            int reachable = 1;
            for (int other = 0; other < n; other++) {
                if (other != centre && !cuts.contains(List.of(centre, other))
                        && !cuts.contains(List.of(other, centre))) {
                    reachable++;
                }
            }
            if (reachable > n / 2) {
                return true;
            }
        }
        return false;
    }

    private static void cutBetween(List<Integer> side, List<Integer> otherSide, Set<List<Integer>> cuts) {
        for (int a : side) {
            for (int b : otherSide) {
                cuts.add(List.of(a, b));
                cuts.add(List.of(b, a));
            }
        }
    }

    private static List<Integer> shuffled(int n, SplittableRandom random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            order.set(i, order.set(j, order.get(i)));
        }
        return order;
    }

    private static List<Integer> others(int n, List<Integer> excluded) {
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!excluded.contains(i)) {
                rest.add(i);
            }
        }
        return rest;
    }

    private static String names(List<Integer> nodes) {
        return nodes.stream().map(ClusterProcesses::name).collect(Collectors.joining(",", "[", "]"));
    }
}
