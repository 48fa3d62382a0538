package io.beacon.testkit.sim;

import io.beacon.raft.message.Message;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The network between simulated servers: every message gets a random delay (so messages reorder), may be
 * dropped or duplicated, and is lost if its link is cut when it arrives. Links join server slots and are
 * directed, so a partition can be one-way.
 */
final class SimNetwork {
    private final EventQueue events;
    private final SplittableRandom random;
    private final boolean[][] blocked;
    private double dropRate;
    private double duplicateRate;
    private long meanDelayMicros = 400;

    SimNetwork(EventQueue events, SplittableRandom random, int nodes) {
        this.events = events;
        this.random = random;
        this.blocked = new boolean[nodes + 1][nodes + 1];
    }

    void send(Message message, Consumer<Message> deliver) {
        if (dropRate > 0 && random.nextDouble() < dropRate) {
            return;
        }
        int copies = duplicateRate > 0 && random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            events.after(delay(), () -> {
                if (!blocked[(int) SimNode.slotOf(message.from())][(int) SimNode.slotOf(message.to())]) {
                    deliver.accept(message);
                }
            });
        }
    }

    /**
     * A server's process died: its peers see their TCP connections with it reset, after a network delay, unless
     * the link from it is cut (then no reset arrives and they must wait for their timeouts).
     */
    void reset(long fromSlot, long toSlot, Runnable noticed) {
        events.after(delay(), () -> {
            if (!blocked[(int) fromSlot][(int) toSlot]) {
                noticed.run();
            }
        });
    }

    /** 100 µs plus an exponential tail: a long mean makes heavy reordering. */
    private long delay() {
        return 100 + (long) (-Math.log(1 - random.nextDouble()) * meanDelayMicros);
    }

    /** Cuts the link from one slot to another. */
    void block(long from, long to) {
        blocked[(int) from][(int) to] = true;
    }

    void setLossy(double drop, double duplicate) {
        this.dropRate = drop;
        this.duplicateRate = duplicate;
    }

    void setMeanDelay(long micros) {
        this.meanDelayMicros = micros;
    }

    /** Reconnects every link and restores a fast, lossless network. */
    void heal() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
        dropRate = 0;
        duplicateRate = 0;
        meanDelayMicros = 400;
    }

    void healLinks() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
    }
}
