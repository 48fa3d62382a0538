package io.beacon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** File and figure helpers shared by the benchmarks' plain main classes. */
public final class Dirs {
    private Dirs() {
    }

    /** Bytes in the regular files directly in directory. */
    public static long size(Path directory) throws IOException {
        long total = 0;
        for (Path file : files(directory)) {
            total += Files.size(file);
        }
        return total;
    }

    /** Bytes in the regular files in directory and every directory under it. */
    public static long treeSize(Path directory) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            long total = 0;
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(path)) {
                    total += Files.size(path);
                }
            }
            return total;
        }
    }

    /** The regular files directly in directory. */
    public static int count(Path directory) throws IOException {
        return files(directory).size();
    }

    public static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Deletes path and everything under it, as far as it can (a file already gone is no error). Returns whether
     * nothing is left.
     */
    public static boolean delete(Path path) {
        if (!Files.exists(path)) {
            return true;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        for (Path each : all) {
            try {
                Files.deleteIfExists(each);
            } catch (NoSuchFileException e) {
                // Gone already.
            } catch (IOException e) {
                // Reported through the return value.
            }
        }
        return !Files.exists(path);
    }

    /** Bytes that compress badly, so no layer below can shortcut them. */
    public static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** The value at percent (nearest rank) of values sorted in ascending order. */
    public static double percentile(List<Double> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
