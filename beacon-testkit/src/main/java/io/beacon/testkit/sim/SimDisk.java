package io.beacon.testkit.sim;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import io.beacon.raft.Ready;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One node's disk: what is durable, and the writes still in flight. A write is one {@link Ready}: its hard
 * state first, then its snapshot chunks, then its entries. Writes complete in order. A crash keeps a random prefix
 * of the writes in flight, the last one possibly torn part-way through; everything else is lost.
 *
 * <p>Besides the log it holds the latest snapshot (a node's own, or one received from a leader) and the log's
 * chained hashes, which the invariants compare with the committed history.
 */
final class SimDisk {
    private HardState hardState = HardState.INITIAL;
    private SnapshotMetadata snapshot;
    private byte[] snapshotData;
    /** Durable entries, the first at index base + 1; base is the snapshot's index (0 without one). */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long base;
    private final HashChain chain = new HashChain();
    /** The chunks of a snapshot being received, written so far. */
    private final ChunkAssembly received = new ChunkAssembly();
    private final ArrayDeque<Ready> inFlight = new ArrayDeque<>();
    private long lastCompletionTime;

    HardState hardState() {
        return hardState;
    }

    SnapshotMetadata snapshot() {
        return snapshot;
    }

    byte[] snapshotData() {
        return snapshotData;
    }

    /** What a node restarting from this disk finds. */
    PersistentState persistentState() {
        return new PersistentState(hardState, snapshot, entries);
    }

    HashChain chain() {
        return chain;
    }

    /** Queues a write; returns the time it completes, never before an earlier write. */
    long submit(Ready ready, long now, long latency) {
        inFlight.add(ready);
        lastCompletionTime = Math.max(lastCompletionTime, now + latency);
        return lastCompletionTime;
    }

    /** The oldest write in flight becomes durable. */
    Ready completeNext(HashChain committed) {
        Ready ready = inFlight.poll();
        if (ready == null) {
            throw new SimulationFailure("disk completion without a write in flight");
        }
        writeHardState(ready.hardState());
        for (SnapshotChunk chunk : ready.snapshotChunks()) {
            writeChunk(chunk, committed);
        }
        writeEntries(ready.entries(), ready.entries().size());
        return ready;
    }

    /** A snapshot the node took itself: written and synced before the node compacts its log. */
    void saveSnapshot(SnapshotMetadata metadata, byte[] data, HashChain committed) {
        if (snapshot == null || metadata.index() > snapshot.index()) {
            adopt(metadata, data, committed);
        }
    }

    /**
     * Power loss: keeps a random prefix of the writes in flight, perhaps tearing the next one; or, one crash in
     * four, what a crash in the middle of beacon-storage's group commit can leave (see {@link #crashMidGroup}).
     */
    void crash(SplittableRandom random, HashChain committed) {
        if (random.nextInt(4) == 0) {
            crashMidGroup(random, committed);
            return;
        }
        int writes = inFlight.size();
        int kept = random.nextInt(writes + 1);
        for (int i = 0; i < kept; i++) {
            completeNext(committed);
        }
        Ready torn = inFlight.poll();
        if (torn != null && random.nextBoolean()) {
            int items = (torn.hardState() != null ? 1 : 0) + torn.snapshotChunks().size() + torn.entries().size();
            int cut = random.nextInt(items + 1);
            if (torn.hardState() != null && cut > 0) {
                writeHardState(torn.hardState());
                cut--;
            }
            for (SnapshotChunk chunk : torn.snapshotChunks()) {
                if (cut == 0) {
                    break;
                }
                writeChunk(chunk, committed);
                cut--;
            }
            writeEntries(torn.entries(), Math.min(cut, torn.entries().size()));
        }
        inFlight.clear();
        received.clear();
    }

    /**
     * Power loss as beacon-storage's group commit can leave the disk. Its storage thread gathers every write in
     * flight, writes the newest hard state among them first, then their snapshots and entries in order, and cuts a
     * conflicting suffix durably before it writes what replaces it. So the newest hard state may survive without
     * the entries of earlier writes, and the log may end anywhere between such a cut and its old end.
     */
    private void crashMidGroup(SplittableRandom random, HashChain committed) {
        HardState newest = null;
        for (Ready ready : inFlight) {
            if (ready.hardState() != null) {
                newest = ready.hardState();
            }
        }
        boolean newestFirst = newest != null && random.nextBoolean();
        if (newestFirst) {
            writeHardState(newest);
        }
        int kept = random.nextInt(inFlight.size() + 1);
        for (int i = 0; i < kept; i++) {
            Ready ready = inFlight.poll();
            if (!newestFirst) {
                writeHardState(ready.hardState());
            }
            for (SnapshotChunk chunk : ready.snapshotChunks()) {
                writeChunk(chunk, committed);
            }
            writeEntries(ready.entries(), ready.entries().size());
        }
        Ready next = inFlight.poll();
        if (next != null && next.snapshotChunks().isEmpty() && !next.entries().isEmpty()) {
            long first = next.entries().get(0).index();
            long end = base + entries.size();
            if (first <= end) {
                long cutEnd = Math.max(base, first - 1 + random.nextLong(end - first + 2));
                entries.subList((int) (cutEnd - base), entries.size()).clear();
                chain.truncateTo(cutEnd);
            }
        }
        inFlight.clear();
        received.clear();
    }

    /** Everything gone, as if the data directory were deleted. */
    void wipe() {
        hardState = HardState.INITIAL;
        snapshot = null;
        snapshotData = null;
        entries.clear();
        base = 0;
        chain.truncateTo(0);
        inFlight.clear();
        received.clear();
    }

    /** Only for {@link Sabotage#FORGETFUL_DISK}: drops entries that were reported durable. */
    void forgetDurableTail(int count) {
        int keep = Math.max(0, entries.size() - count);
        entries.subList(keep, entries.size()).clear();
        chain.truncateTo(base + keep);
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

    private void writeChunk(SnapshotChunk chunk, HashChain committed) {
        byte[] whole = received.add(chunk);
        if (whole != null) {
            adopt(chunk.metadata(), whole, committed);
        }
    }

    /**
     * Makes a snapshot the disk's, as the core does (§5): the entries after it stay only if the log holds its
     * last entry; otherwise the whole log goes, since whatever follows belongs to another history. The snapshot
     * may cover entries whose own write is still in flight: they are durable now, inside it.
     */
    private void adopt(SnapshotMetadata metadata, byte[] data, HashChain committed) {
        long index = metadata.index();
        boolean keepSuffix = index > base && index <= base + entries.size()
                && entries.get((int) (index - base - 1)).term() == metadata.term();
        if (!keepSuffix) {
            entries.clear();
            base = index;
            chain.truncateTo(0);
        }
        chain.adoptPrefix(committed, index);
        snapshot = metadata;
        snapshotData = data;
        dropThrough(index);
    }

    /** Drops the entries a snapshot at index covers. */
    private void dropThrough(long index) {
        if (index <= base) {
            return;
        }
        int drop = (int) Math.min(entries.size(), index - base);
        entries.subList(0, drop).clear();
        base = index;
    }

    private void writeEntries(List<Entry> written, int count) {
        int from = 0;
        while (from < count && written.get(from).index() <= base) {
            // Covered by a snapshot taken while this write was in flight.
            from++;
        }
        if (from == count) {
            return;
        }
        long first = written.get(from).index();
        if (first > base + entries.size() + 1) {
            throw new SimulationFailure("durable log gap: write at " + first + " after " + (base + entries.size()));
        }
        entries.subList((int) (first - base - 1), entries.size()).clear();
        chain.truncateTo(first - 1);
        for (int i = from; i < count; i++) {
            entries.add(written.get(i));
            chain.put(written.get(i));
        }
    }
}
