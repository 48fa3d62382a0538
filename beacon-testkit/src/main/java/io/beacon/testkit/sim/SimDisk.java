package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.Ready;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One node's disk: what is durable, and the writes still in flight. A write is one {@link Ready}: its hard
 * state first, then its entries. Writes complete in order. A crash keeps a random prefix of the writes in
 * flight, the last one possibly torn part-way through its entries; everything else is lost.
 */
final class SimDisk {
    private HardState hardState = HardState.INITIAL;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private final HashChain chain = new HashChain();
    private final ArrayDeque<Ready> inFlight = new ArrayDeque<>();
    private long lastCompletionTime;

    HardState hardState() {
        return hardState;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    HashChain chain() {
        return chain;
    }

    boolean isIdle() {
        return inFlight.isEmpty();
    }

    /** Queues a write; returns the time it completes, never before an earlier write. */
    long submit(Ready ready, long now, long latency) {
        inFlight.add(ready);
        lastCompletionTime = Math.max(lastCompletionTime, now + latency);
        return lastCompletionTime;
    }

    /** The oldest write in flight becomes durable. */
    Ready completeNext() {
        Ready ready = inFlight.poll();
        if (ready == null) {
            throw new SimulationFailure("disk completion without a write in flight");
        }
        writeHardState(ready.hardState());
        writeEntries(ready.entries(), ready.entries().size());
        return ready;
    }

    /** Power loss: keeps a random prefix of the writes in flight, perhaps tearing the next one. */
    void crash(SplittableRandom random) {
        int writes = inFlight.size();
        int kept = random.nextInt(writes + 1);
        for (int i = 0; i < kept; i++) {
            completeNext();
        }
        Ready torn = inFlight.poll();
        if (torn != null && random.nextBoolean()) {
            // The hard state goes first, then a prefix of the entries.
            int items = (torn.hardState() != null ? 1 : 0) + torn.entries().size();
            int cut = random.nextInt(items + 1);
            if (torn.hardState() != null && cut > 0) {
                writeHardState(torn.hardState());
                cut--;
            }
            writeEntries(torn.entries(), cut);
        }
        inFlight.clear();
    }

    /** Only for {@link Sabotage#FORGETFUL_DISK}: drops entries that were reported durable. */
    void forgetDurableTail(int count) {
        int keep = Math.max(0, entries.size() - count);
        entries.subList(keep, entries.size()).clear();
        chain.truncateTo(keep);
    }

    private void writeHardState(HardState next) {
        if (next == null) {
            return;
        }
        if (next.term() < hardState.term()
                || next.term() == hardState.term() && hardState.votedFor() != 0 && next.votedFor() != hardState.votedFor()) {
            throw new SimulationFailure("durable hard state goes back: " + hardState + " then " + next);
        }
        hardState = next;
    }

    private void writeEntries(List<Entry> written, int count) {
        if (count == 0) {
            return;
        }
        long first = written.get(0).index();
        if (first > entries.size() + 1) {
            throw new SimulationFailure("durable log gap: write at " + first + " after " + entries.size());
        }
        entries.subList((int) first - 1, entries.size()).clear();
        chain.truncateTo(first - 1);
        for (int i = 0; i < count; i++) {
            entries.add(written.get(i));
            chain.put(written.get(i));
        }
    }
}
