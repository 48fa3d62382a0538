// Owns: damaging a stopped node's write-ahead log, watching whether it recovers or refuses, and making it whole.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Damage to a node's log while it is down: the node is killed, its data directory copied aside, and then either
 * the tail of the records in its newest segment ({@code raft/wal/*.wal}) cut by 1 to 64 bytes, or one byte of the
 * records of a random segment flipped (the zeros the storage writes ahead of its records are left out of both: the
 * cut takes them with it). Then it is started. By the storage's rules it must either start and rejoin (a torn
 * tail — bytes after the last fsync's batch start — is cut off and logged) or refuse to start with an error naming
 * the file and offset. The fault notes which, with the error line; if the node refused, the copy is put back and
 * the node started again, so that the cluster is whole before the next fault.
 *
 * <p>Cutting a tail the node had fsynced and acknowledged is beyond what Raft tolerates in general; it is safe
 * here only because faults never overlap and the cluster converged before this one, so the other nodes hold
 * every entry the damaged node may lose.
 */
final class DiskFault implements Fault {
    /** How long the damaged node has to rejoin (know a leader) or exit. */
    static final Duration VERDICT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public FaultType type() {
        return FaultType.DISK;
    }

    @Override
    public ActiveFault start(FaultContext context, SplittableRandom random) throws Exception {
        ClusterProcesses cluster = context.cluster();
        int node = Targets.randomLive(cluster, random);
        String name = ClusterProcesses.name(node);
        cluster.kill(node);
        Path data = cluster.dataDirectory(node);
        Path backup = data.resolveSibling(name + ".before-disk-fault");
        ClusterProcesses.deleteRecursively(backup);
        copyRecursively(data, backup);
        String damage;
        try {
            damage = damage(data.resolve("raft").resolve("wal"), random);
        } catch (IOException | RuntimeException e) {
            cluster.start(node);
            throw e;
        }
        cluster.start(node);
        boolean tolerated = Targets.majorityRemains(cluster.size(), 1);
        AtomicBoolean restored = new AtomicBoolean();
        return new ActiveFault(type(), List.of(node), "killed " + name + ", " + damage + ", started it again",
                tolerated, () -> {
            if (!cluster.isAlive(node)) {
                restore(cluster, node, backup);
                restored.set(true);
            }
            return restored.get() ? name + " runs on its data as it was before the damage (restored from the copy)"
                    : name + " runs on the log it recovered from the damage";
        }, (duration, ctx) -> {
            long started = System.nanoTime();
            ctx.note(type(), List.of(node), verdict(ctx, node), tolerated);
            if (!cluster.isAlive(node)) {
                restore(cluster, node, backup);
                restored.set(true);
                ctx.note(type(), List.of(node), "restored " + name + "'s data from the copy taken before the "
                        + "damage and started it again", tolerated);
            }
            long left = duration.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                ctx.sleep(Duration.ofNanos(left));
            }
        });
    }

    /** Damages the log under wal; says what was done. */
    static String damage(Path wal, SplittableRandom random) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(wal)) {
            segments = files.filter(path -> path.getFileName().toString().endsWith(".wal")).sorted().toList();
        }
        if (segments.isEmpty()) {
            return "found no log segment to damage in " + wal;
        }
        if (random.nextBoolean()) {
            Path newest = segments.get(segments.size() - 1);
            long fileSize = Files.size(newest);
            long size = dataEnd(newest);
            long cut = Math.min(size, 1 + random.nextInt(64));
            try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
                channel.truncate(size - cut);
                channel.force(true);
            }
            return String.format(Locale.ROOT, "cut the last %d bytes of the records of its newest segment %s (the file"
                    + " %d -> %d bytes)", cut, newest.getFileName(), fileSize, size - cut);
        }
        Path segment = segments.get(random.nextInt(segments.size()));
        long size = dataEnd(segment);
        if (size == 0) {
            return "found only an empty segment " + segment.getFileName() + " to damage";
        }
        long offset = random.nextLong(size);
        int mask = 1 + random.nextInt(255);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            byte before = one.get(0);
            byte after = (byte) (before ^ mask);
            channel.write(ByteBuffer.wrap(new byte[] {after}), offset);
            channel.force(true);
            return String.format(Locale.ROOT, "flipped the byte at offset %d of segment %s (%d of %d segments, "
                            + "%d bytes of records): 0x%02x -> 0x%02x", offset, segment.getFileName(),
                    segments.indexOf(segment) + 1, segments.size(), size, before & 0xff, after & 0xff);
        }
    }

    /**
     * Where a segment's bytes end, but for the zeros written ahead of its records: one past its last byte that is
     * not zero (a record ending in zeros is counted short, which only moves the damage a few bytes back).
     */
    static long dataEnd(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer block = ByteBuffer.allocate(64 << 10);
            long end = channel.size();
            while (end > 0) {
                long start = Math.max(0, end - block.capacity());
                block.clear().limit((int) (end - start));
                while (block.hasRemaining() && channel.read(block, start + block.position()) >= 0) {
                    // read the whole block
                }
                for (int i = block.position() - 1; i >= 0; i--) {
                    if (block.get(i) != 0) {
                        return start + i + 1;
                    }
                }
                end = start;
            }
            return 0;
        }
    }

    /** Waits until the node knows a leader or exits; what happened, with the log lines that tell. */
    private static String verdict(FaultContext context, int node) throws Exception {
        ClusterProcesses cluster = context.cluster();
        String name = ClusterProcesses.name(node);
        long deadline = System.nanoTime() + VERDICT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalInt exit = cluster.awaitExit(node, Duration.ofMillis(200));
            if (exit.isPresent()) {
                return name + " refused to start (exit status " + exit.getAsInt() + "): "
                        + errorLine(cluster.logSinceLastStart(node)).orElse("no error line in its log");
            }
            Optional<NodeStatus> status = cluster.status(node);
            if (status.isPresent() && status.get().leader() != 0) {
                String repair = cluster.logSinceLastStart(node).stream().filter(line -> line.contains("wal recovery"))
                        .findFirst().orElse("no repair logged");
                return name + " started and rejoined (follows member " + status.get().leader() + ", applied "
                        + status.get().appliedIndex() + "): " + repair.trim();
            }
        }
        return name + " neither rejoined nor exited within " + VERDICT_TIMEOUT.toSeconds() + " s";
    }

    /** The line that says why start-up failed: BeaconMain's "beacon: ..." line, or the exception's. */
    static Optional<String> errorLine(List<String> log) {
        Optional<String> main = log.stream().filter(line -> line.startsWith("beacon: ")).reduce((a, b) -> b);
        if (main.isPresent()) {
            return main.map(String::trim);
        }
        return log.stream().filter(line -> line.contains("CorruptStorageException") || line.contains("Exception"))
                .findFirst().map(String::trim);
    }

    private static void restore(ClusterProcesses cluster, int node, Path backup) throws Exception {
        cluster.kill(node);
        Path data = cluster.dataDirectory(node);
        ClusterProcesses.deleteRecursively(data);
        copyRecursively(backup, data);
        cluster.start(node);
    }

    static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
