package io.beacon.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Injects faults on a seeded schedule and undoes each after a random while; {@link #healAll()} ends every
 * fault at once. Each fault action is written to the timeline so a failing seed can be read back.
 */
final class Nemesis {
    private static final long SECOND = 1_000_000;

    private final EventQueue events;
    private final SplittableRandom random;
    private final List<SimNode> nodes;
    private final SimNetwork network;
    private final List<Fault> enabled;
    private final long tickMicros;
    private final double minClockRate;
    private final double maxClockRate;
    private final Consumer<String> timeline;
    private final MembershipNemesis membership;
    /** Bumped by healAll: undo actions of earlier faults then do nothing. */
    private int epoch;
    private int partitionGeneration;
    private boolean stopped;

    Nemesis(EventQueue events, SplittableRandom random, List<SimNode> nodes, SimNetwork network, Set<Fault> enabled,
            long tickMicros, double minClockRate, double maxClockRate, MembershipNemesis membership,
            Consumer<String> timeline) {
        this.events = events;
        this.random = random;
        this.nodes = nodes;
        this.network = network;
        this.enabled = List.copyOf(new java.util.TreeSet<>(enabled));
        this.tickMicros = tickMicros;
        this.minClockRate = minClockRate;
        this.maxClockRate = maxClockRate;
        this.timeline = timeline;
        this.membership = membership;
    }

    void start() {
        if (!enabled.isEmpty()) {
            scheduleNext();
        }
        if (enabled.contains(Fault.MEMBERSHIP)) {
            scheduleMembershipChange();
        }
    }

    /** Membership changes have a schedule of their own, so that a run sees many of them. */
    private void scheduleMembershipChange() {
        events.after(exponential(800_000), () -> {
            if (!stopped) {
                membership.act();
                scheduleMembershipChange();
            }
        });
    }

    void stop() {
        stopped = true;
    }

    private void scheduleNext() {
        events.after(exponential(1_200_000), () -> {
            if (stopped) {
                return;
            }
            inject(enabled.get(random.nextInt(enabled.size())));
            scheduleNext();
        });
    }

    private void inject(Fault fault) {
        int at = epoch;
        switch (fault) {
            case PARTITION -> partition(at);
            case CRASH -> {
                SimNode node = pickPreferringLeader(SimNode::isUp);
                if (node != null) {
                    long crashed = node.id();
                    node.crash(random.split());
                    timeline.accept("crash node " + crashed);
                    for (SimNode other : nodes) {
                        if (other != node) {
                            network.reset(node.slot(), other.slot(), () -> other.connectionLost(crashed));
                        }
                    }
                    undoLater(at, between(200_000, 4 * SECOND), () -> {
                        if (!node.isUp()) {
                            node.start(tickMicros);
                            timeline.accept("restart node " + node.id());
                        }
                    });
                }
            }
            case PAUSE -> {
                SimNode node = pickPreferringLeader(SimNode::isRunning);
                if (node != null) {
                    node.pause();
                    timeline.accept("pause node " + node.id());
                    undoLater(at, between(SECOND, 3 * SECOND), () -> {
                        timeline.accept("resume node " + node.id());
                        node.resume();
                    });
                }
            }
            case LOSSY -> {
                double drop = 0.05 + random.nextDouble() * 0.25;
                double duplicate = random.nextDouble() * 0.1;
                network.setLossy(drop, duplicate);
                timeline.accept(String.format("lossy network drop=%.2f duplicate=%.2f", drop, duplicate));
                undoLater(at, between(SECOND, 4 * SECOND), () -> {
                    network.setLossy(0, 0);
                    timeline.accept("lossless network");
                });
            }
            case SLOW -> {
                long mean = between(5_000, 50_000);
                network.setMeanDelay(mean);
                timeline.accept("slow network mean delay " + mean + "us");
                undoLater(at, between(SECOND, 4 * SECOND), () -> {
                    network.setMeanDelay(400);
                    timeline.accept("fast network");
                });
            }
            case SNAPSHOT -> {
                SimNode node = pick(SimNode::isRunning);
                if (node != null) {
                    timeline.accept("snapshot on node " + node.id());
                    node.takeSnapshot();
                }
            }
            case MEMBERSHIP -> membership.act();
            case CLOCK -> {
                SimNode node = nodes.get(random.nextInt(nodes.size()));
                double rate = minClockRate + random.nextDouble() * (maxClockRate - minClockRate);
                node.setClockRate(rate);
                timeline.accept(String.format("node %d clock rate %.2f", node.id(), rate));
                undoLater(at, between(2 * SECOND, 6 * SECOND), () -> {
                    node.setClockRate(1.0);
                    timeline.accept("node " + node.id() + " clock rate 1.00");
                });
            }
        }
    }

    private void partition(int at) {
        network.healLinks();
        int generation = ++partitionGeneration;
        List<Long> order = shuffledIds();
        int n = order.size();
        String description;
        switch (random.nextInt(4)) {
            case 0 -> {
                long isolated = order.get(0);
                cutBetween(List.of(isolated), order.subList(1, n));
                description = "isolate server " + isolated;
            }
            case 1 -> {
                List<Long> minority = order.subList(0, n / 2);
                cutBetween(minority, order.subList(n / 2, n));
                description = "split minority " + minority + " from majority " + order.subList(n / 2, n);
            }
            case 2 -> {
                long node = order.get(0);
                boolean outbound = random.nextBoolean();
                for (long other : order.subList(1, n)) {
                    if (outbound) {
                        network.block(node, other);
                    } else {
                        network.block(other, node);
                    }
                }
                description = "one-way: server " + node + (outbound ? " cannot send" : " cannot receive");
            }
            default -> {
                // Every node sees a majority, but no two see the same one: a ring where each node reaches only
                // its neighbours (with 3 nodes this is a bridge: the ends only reach the middle).
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        int distance = Math.min(Math.abs(i - j), n - Math.abs(i - j));
                        boolean neighbours = n == 3 ? Math.abs(i - j) <= 1 : distance <= 1;
                        if (i != j && !neighbours) {
                            network.block(order.get(i), order.get(j));
                        }
                    }
                }
                description = (n == 3 ? "bridge " : "majorities ring ") + order;
            }
        }
        timeline.accept("partition: " + description);
        undoLater(at, between(SECOND, 5 * SECOND), () -> {
            if (generation == partitionGeneration) {
                network.healLinks();
                timeline.accept("partition healed");
            }
        });
    }

    private void cutBetween(List<Long> side, List<Long> rest) {
        for (long a : side) {
            for (long b : rest) {
                network.block(a, b);
                network.block(b, a);
            }
        }
    }

    /** Ends every fault: links, losses, delays, clocks, pauses, and restarts crashed nodes. */
    void healAll() {
        epoch++;
        network.heal();
        for (SimNode node : nodes) {
            node.setClockRate(1.0);
            if (!node.isUp() && node.hasStarted()) {
                node.start(tickMicros);
            } else {
                node.resume();
            }
        }
        timeline.accept("heal all");
    }

    private void undoLater(int at, long delay, Runnable undo) {
        events.after(delay, () -> {
            if (at == epoch) {
                undo.run();
            }
        });
    }

    /** Half the time the leader, if there is one: leader failures are where elections and conflicts happen. */
    private SimNode pickPreferringLeader(java.util.function.Predicate<SimNode> filter) {
        if (random.nextBoolean()) {
            SimNode leader = pick(node -> filter.test(node) && node.isRunning()
                    && node.raft().role() == io.beacon.raft.Role.LEADER);
            if (leader != null) {
                return leader;
            }
        }
        return pick(filter);
    }

    private SimNode pick(java.util.function.Predicate<SimNode> filter) {
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode node : nodes) {
            if (filter.test(node)) {
                candidates.add(node);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private List<Long> shuffledIds() {
        List<Long> ids = new ArrayList<>();
        for (SimNode node : nodes) {
            ids.add(node.slot());
        }
        for (int i = ids.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Long swap = ids.get(i);
            ids.set(i, ids.get(j));
            ids.set(j, swap);
        }
        return ids;
    }

    private long between(long low, long high) {
        return low + (long) (random.nextDouble() * (high - low));
    }

    private long exponential(long mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }
}
