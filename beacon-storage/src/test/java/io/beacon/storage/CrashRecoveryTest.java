package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;
import io.beacon.raft.SnapshotChunk;
import io.beacon.raft.SnapshotMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.beacon.storage.StorageTestSupport.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Power cuts at random moments on the {@link CrashableDisk}, which keeps a random part of everything not yet
 * forced, tears it or flips a bit in it. A random workload of the shapes the Raft core writes — appends, a new
 * term and vote, a conflicting suffix replaced, a snapshot received in chunks, the node's own snapshot and
 * compaction — runs until the crash; after each reopen every write reported durable must be there intact, the
 * state must be one the writes passed through, and nothing after a gap may be served.
 */
class CrashRecoveryTest {
    private static final int SEEDS = Integer.getInteger("beacon.storage.crashSeeds", 300);
    private static final int CYCLES = 4;
    private static final Path ROOT = Path.of("/node");

    @Test
    void everyWriteReportedDurableSurvivesPowerCuts() throws Exception {
        int repairs = 0;
        int crashedDuringRecovery = 0;
        Integer only = Integer.getInteger("beacon.storage.crashSeed");
        for (int seed = only == null ? 0 : only; seed < (only == null ? SEEDS : only + 1); seed++) {
            Run run = new Run(seed);
            try {
                run.execute();
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + " failed (replay: -Dbeacon.storage.crashSeed=" + seed
                        + "); last crash: " + run.disk.crashLog() + "\n" + e.getMessage()
                        + "\nlast disk operations:\n" + String.join("\n", run.disk.trace()), e);
            }
            repairs += run.repairs;
            crashedDuringRecovery += run.crashedDuringRecovery;
        }
        System.out.printf("crash recovery: %d seeds x %d power cuts, %d repairs (torn tails cut), %d cuts during "
                + "recovery itself%n", SEEDS, CYCLES, repairs, crashedDuringRecovery);
        if (only == null) {
            assertThat(repairs).as("the crashes tore tails for recovery to cut").isGreaterThan(SEEDS / 10);
        }
    }

    /** The model of what one write leaves on disk once it is durable. */
    private record ModelState(HardState hardState, long snapshotIndex, long firstEntry, List<Entry> entries,
                              long cutTo) {
        long lastIndex() {
            return entries.isEmpty() ? Math.max(snapshotIndex, firstEntry - 1) : entries.get(entries.size() - 1).index();
        }

        Entry entry(long index) {
            long position = index - firstEntry;
            return position < 0 || position >= entries.size() ? null : entries.get((int) position);
        }
    }

    private static final class Run {
        final Random random;
        final CrashableDisk disk = new CrashableDisk();
        final StorageOptions options;
        final Map<Long, Long> snapshotTerms = new HashMap<>();
        ModelState model = new ModelState(HardState.INITIAL, 0, 1, List.of(), Long.MAX_VALUE);
        long ackedSnapshot;
        long commitPoint;
        int repairs;
        int crashedDuringRecovery;

        Run(long seed) {
            random = new Random(seed);
            options = StorageOptions.DEFAULTS.withSegmentBytes(256 + random.nextInt(4096))
                    .withWriteBufferBytes(64 + random.nextInt(8192));
        }

        void execute() throws Exception {
            List<ModelState> states = new ArrayList<>();
            states.add(model);
            int acked = 0;
            for (int cycle = 0; cycle <= CYCLES; cycle++) {
                RaftStorage storage = recover();
                verify(storage, states, acked);
                if (cycle == CYCLES) {
                    storage.close();
                    return;
                }
                states = new ArrayList<>();
                states.add(model);
                List<CompletableFuture<Long>> futures = new ArrayList<>();
                if (random.nextBoolean()) {
                    disk.crashAfter(random.nextInt(400), random);
                }
                int writes = 5 + random.nextInt(40);
                try {
                    for (int i = 0; i < writes; i++) {
                        step(storage, states, futures);
                    }
                } catch (IOException | java.io.UncheckedIOException | ExecutionException e) {
                    // the disk lost power under a write of the test thread (a snapshot, or a wait)
                }
                disk.crash(random);
                storage.close();
                disk.powerOn();
                acked = 0;
                for (int i = 0; i < futures.size(); i++) {
                    CompletableFuture<Long> future = futures.get(i);
                    if (future.isDone() && !future.isCompletedExceptionally()) {
                        acked = i + 1;
                    }
                }
            }
        }

        private RaftStorage recover() throws Exception {
            if (random.nextInt(5) == 0) {
                disk.crashAfter(random.nextInt(12), random);
            }
            try {
                RaftStorage storage = open();
                disk.crashAfter(-1, null);
                return storage;
            } catch (IOException | java.io.UncheckedIOException e) {
                crashedDuringRecovery++;
                disk.crash(random);
                disk.powerOn();
                return open();
            }
        }

        private RaftStorage open() throws IOException {
            RaftStorage storage = RaftStorage.open(disk, ROOT, options, () -> 1);
            repairs += storage.recoveryReport().repairs().size();
            return storage;
        }

        /**
         * The recovered log must be one the writes passed through from the last acknowledged one on (states index 0
         * is the state at the cycle's start, index i the one after write i), cut no shorter than what was
         * acknowledged except by a later write that replaced a suffix (which may have been cut and not yet
         * rewritten when the power went). The hard state may be a later write's: a
         * group commit writes its newest hard state first, which is safe as a node that learnt a term and crashed
         * before appending acknowledged nothing.
         */
        private void verify(RaftStorage storage, List<ModelState> states, int acked) throws IOException {
            PersistentState recovered = storage.recoveredState();
            long snapshotIndex = recovered.snapshot() == null ? 0 : recovered.snapshot().index();
            if (snapshotIndex > 0) {
                assertThat(snapshotTerms).containsEntry(snapshotIndex, recovered.snapshot().term());
                try (InputStream in = storage.openSnapshot(snapshotIndex)) {
                    assertThat(Arrays.equals(in.readAllBytes(), snapshotState(snapshotIndex,
                            recovered.snapshot().term()))).as("snapshot state intact").isTrue();
                }
            }
            assertThat(snapshotIndex).as("an acknowledged snapshot is kept").isGreaterThanOrEqualTo(ackedSnapshot);
            List<Entry> entries = recovered.entries();
            long recoveredLast = entries.isEmpty() ? snapshotIndex : entries.get(entries.size() - 1).index();
            int lastHardStateMatch = -1;
            for (int k = acked; k < states.size(); k++) {
                if (states.get(k).hardState().equals(recovered.hardState())) {
                    lastHardStateMatch = k;
                }
            }
            if (lastHardStateMatch < 0) {
                fail("recovered hard state " + recovered.hardState() + " is none written since the last "
                        + "acknowledged write " + acked);
            }
            long floor = states.get(acked).lastIndex();
            List<String> mismatches = new ArrayList<>();
            for (int k = acked; k <= lastHardStateMatch; k++) {
                ModelState state = states.get(k);
                floor = Math.min(floor, state.cutTo());
                String mismatch = compare(recovered, state, recoveredLast, floor);
                if (mismatch != null && k > acked) {
                    // A cut half done: the log before write k, shortened no further than write k cuts it.
                    mismatch = compare(recovered, states.get(k - 1), recoveredLast, floor);
                }
                if (mismatch == null) {
                    model = new ModelState(recovered.hardState(), snapshotIndex, snapshotIndex + 1, entries,
                            Long.MAX_VALUE);
                    commitPoint = Math.min(commitPoint, recoveredLast);
                    return;
                }
                mismatches.add("after write " + k + ": " + mismatch);
            }
            fail("recovered log matches no state since the last acknowledged write " + acked + ": "
                    + mismatches + " (recovered snapshot " + snapshotIndex + ", entries up to " + recoveredLast
                    + ", hard state " + recovered.hardState() + ")");
        }

        private static String compare(PersistentState recovered, ModelState state, long recoveredLast, long floor) {
            if (recoveredLast < floor) {
                return "log ends at " + recoveredLast + " below the durable " + floor;
            }
            for (Entry entry : recovered.entries()) {
                if (!entry.equals(state.entry(entry.index()))) {
                    return "entry " + entry.index() + " differs (" + entry + " vs " + state.entry(entry.index()) + ")";
                }
            }
            return null;
        }

        private void step(RaftStorage storage, List<ModelState> states, List<CompletableFuture<Long>> futures)
                throws Exception {
            ModelState before = model;
            HardState hardState = null;
            List<SnapshotChunk> chunks = List.of();
            long cutTo = Long.MAX_VALUE;
            long firstEntry = before.firstEntry();
            long snapshotIndex = before.snapshotIndex();
            List<Entry> entries = new ArrayList<>(before.entries());
            long term = before.hardState().term();
            long next = before.lastIndex() + 1;
            int choice = random.nextInt(100);
            if (term == 0 || choice < 10) {
                term++;
                hardState = new HardState(term, random.nextInt(4));
            } else if (choice < 20 && next - 1 > Math.max(commitPoint, snapshotIndex)) {
                // A new leader's entries replace a suffix that was never committed.
                term++;
                hardState = new HardState(term, random.nextInt(4));
                next = Math.max(commitPoint, snapshotIndex) + 1
                        + random.nextInt((int) (next - 1 - Math.max(commitPoint, snapshotIndex)));
                cutTo = next - 1;
            } else if (choice < 25) {
                // A snapshot from the leader, beyond this log: the log is replaced by it.
                long index = next + random.nextInt(30);
                SnapshotMetadata metadata = snapshot(index, term);
                chunks = chunks(metadata, snapshotState(index, term));
                snapshotTerms.put(index, term);
                snapshotIndex = index;
                firstEntry = index + 1;
                entries.clear();
                next = index + 1;
            } else if (choice < 30 && commitPoint > snapshotIndex && before.entry(commitPoint) != null) {
                long index = snapshotIndex + 1 + random.nextInt((int) (commitPoint - snapshotIndex));
                long snapshotTerm = before.entry(index).term();
                snapshotTerms.put(index, snapshotTerm);
                RaftStorage.SnapshotWriter writer = storage.beginSnapshot(snapshot(index, snapshotTerm));
                writer.stream().write(snapshotState(index, snapshotTerm));
                writer.commit();
                ackedSnapshot = Math.max(ackedSnapshot, index);
                futures.add(storage.compactLog(index - random.nextInt(5)));
                states.add(before);
                return;
            }
            int count = random.nextInt(4) == 0 && cutTo == Long.MAX_VALUE ? 0 : 1 + random.nextInt(12);
            while (!entries.isEmpty() && entries.get(entries.size() - 1).index() >= next) {
                entries.remove(entries.size() - 1);
            }
            List<Entry> written = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int size = random.nextInt(20) == 0 ? 2000 + random.nextInt(3000) : random.nextInt(200);
                Entry entry = Entry.command(next + i, term, bytes(size));
                written.add(entry);
                entries.add(entry);
            }
            if (written.isEmpty() && hardState == null && chunks.isEmpty()) {
                return;
            }
            if (!written.isEmpty() && entries.size() == written.size() && chunks.isEmpty()) {
                firstEntry = written.get(0).index();
            }
            model = new ModelState(hardState == null ? before.hardState() : hardState, snapshotIndex, firstEntry,
                    List.copyOf(entries), cutTo);
            states.add(model);
            CompletableFuture<Long> future = storage.write(hardState, chunks, written);
            futures.add(future);
            if (random.nextInt(6) == 0) {
                // This is the newest write, so everything up to the durable index stays: a later write may only
                // replace entries above the commit point.
                long durable = future.get(10, TimeUnit.SECONDS);
                assertThat(durable).isEqualTo(model.lastIndex());
                commitPoint = Math.max(commitPoint, durable);
            }
        }

        private List<SnapshotChunk> chunks(SnapshotMetadata metadata, byte[] state) {
            int chunkBytes = 1 + random.nextInt(1500);
            List<SnapshotChunk> chunks = new ArrayList<>();
            for (int offset = 0; offset == 0 || offset < state.length; offset += chunkBytes) {
                int end = Math.min(state.length, offset + chunkBytes);
                chunks.add(new SnapshotChunk(metadata, offset, Arrays.copyOfRange(state, offset, end),
                        end == state.length));
            }
            return chunks;
        }

        /** The state machine at an index of a term: the same bytes whoever snapshots it. */
        private static byte[] snapshotState(long index, long term) {
            Random state = new Random(index * 1_000_003 + term);
            byte[] bytes = new byte[state.nextInt(3000)];
            state.nextBytes(bytes);
            return bytes;
        }

        private byte[] bytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }
    }
}
