package io.beacon.storage;

import io.beacon.raft.Entry;
import io.beacon.raft.HardState;
import io.beacon.raft.PersistentState;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link ProcessKillTest} and {@link FsyncFailureProcessTest} (started by {@link AppenderProcess}):
 * opens (recovering) the storage in a directory, prints {@code recovered <lastIndex>}, then appends as fast as it
 * can with a bounded number of writes in flight and prints {@code durable <index>} each time a write's future
 * reports a higher durable index. It never stops by
 * itself: the test kills it with SIGKILL, or makes its fsyncs fail, whereupon it exits with
 * {@link #EXIT_STORAGE_FAILED}. As a safety net it halts after {@link #MAX_LIFETIME_MILLIS}, or when its
 * stdin reaches end of file (the test JVM is gone).
 *
 * <p>Arguments: the storage directory and a seed (which only shapes the batches: payloads depend on the index
 * alone, see {@link #payload}).
 */
public final class AppendingChild {
    /** Small segments, so that the kill also lands around segment rolls and several segments exist. */
    static final StorageOptions OPTIONS = StorageOptions.DEFAULTS.withSegmentBytes(512 << 10);
    static final long TERM = 1;
    static final long MEMBER_ID = 77;
    static final int MAX_FILLER_BYTES = 2000;
    static final int MAX_ENTRIES_PER_WRITE = 8;
    static final int MAX_WRITES_IN_FLIGHT = 16;
    static final long MAX_LIFETIME_MILLIS = 60_000;
    static final int EXIT_STORAGE_FAILED = 2;
    static final int EXIT_LIFETIME = 3;
    static final int EXIT_PARENT_GONE = 4;

    private AppendingChild() {
    }

    /** The payload of the entry at index: the index itself, then 0..2000 bytes of filler drawn from it. */
    static byte[] payload(long index) {
        Random random = new Random(index * 0x9E3779B97F4A7C15L);
        byte[] filler = new byte[random.nextInt(MAX_FILLER_BYTES + 1)];
        random.nextBytes(filler);
        return ByteBuffer.allocate(Long.BYTES + filler.length).putLong(index).put(filler).array();
    }

    static Entry entry(long index) {
        return Entry.command(index, TERM, payload(index));
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        startSafetyNets();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        Random random = new Random(seed);

        RaftStorage storage = RaftStorage.open(directory, OPTIONS, () -> MEMBER_ID);
        PersistentState recovered = storage.recoveredState();
        List<Entry> entries = recovered.entries();
        long last = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).index();
        out.println("recovered " + last);
        out.flush();
        try {
            if (recovered.hardState().term() < TERM) {
                storage.write(new HardState(TERM, 0), List.of(), List.of()).get(30, TimeUnit.SECONDS);
            }
            long next = last + 1;
            long reported = last;
            ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
            while (true) {
                while (inFlight.size() < MAX_WRITES_IN_FLIGHT) {
                    int count = 1 + random.nextInt(MAX_ENTRIES_PER_WRITE);
                    List<Entry> batch = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        batch.add(entry(next++));
                    }
                    inFlight.add(storage.write(null, List.of(), batch));
                }
                // Writes complete in order: wait for the oldest, then take every one done behind it.
                long durable = inFlight.poll().get(30, TimeUnit.SECONDS);
                while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
                    durable = Math.max(durable, inFlight.poll().get());
                }
                if (durable > reported) {
                    out.println("durable " + durable);
                    out.flush();
                    reported = durable;
                }
            }
        } catch (Throwable e) {
            System.err.println("append failed: " + e);
            e.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STORAGE_FAILED);
        }
    }

    private static void startSafetyNets() {
        Thread lifetime = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.println("still alive after " + MAX_LIFETIME_MILLIS + " ms: halting");
            Runtime.getRuntime().halt(EXIT_LIFETIME);
        }, "lifetime");
        lifetime.setDaemon(true);
        lifetime.start();
        Thread parent = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent: we only wait for end of file
                }
            } catch (Exception e) {
                // the pipe broke: the parent is gone as well
            }
            System.err.println("stdin closed: the test JVM is gone, halting");
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }, "parent-watch");
        parent.setDaemon(true);
        parent.start();
    }
}
