package io.beacon.bench.storage;

import io.beacon.bench.Dirs;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk without the WAL: one thread appends a buffer of a fixed size to a fresh file and forces it
 * ({@code FileChannel.force(false)}, as the WAL does) in a loop, for warm-up plus the measured time. Like the WAL the
 * file grows with every write (nothing is preallocated), so both pay for extending it. Counted, as the WAL is, by
 * the writes whose force returned inside the measured window.
 */
final class RawFsyncRun {
    record Result(int bytes, double seconds, long fsyncs, Histogram fsyncNanos) {
        double fsyncsPerSecond() {
            return fsyncs / seconds;
        }

        double megabytesPerSecond() {
            return fsyncs * (double) bytes / seconds / 1e6;
        }
    }

    private RawFsyncRun() {
    }

    static Result run(Path directory, int bytes, long warmupNanos, long measureNanos) throws IOException {
        Path file = Files.createTempFile(directory, "raw-" + bytes + "-", ".dat");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(bytes);
            buffer.put(Dirs.randomBytes(bytes, bytes)).flip();
            Histogram fsyncNanos = new Histogram(3);
            long position = 0;
            long fsyncs = 0;
            long from = System.nanoTime() + warmupNanos;
            long to = from + measureNanos;
            while (true) {
                long before = System.nanoTime();
                buffer.rewind();
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
                long after = System.nanoTime();
                if (after >= to) {
                    break;
                }
                if (after >= from) {
                    fsyncs++;
                    fsyncNanos.recordValue(after - before);
                }
            }
            return new Result(bytes, measureNanos / 1e9, fsyncs, fsyncNanos);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
