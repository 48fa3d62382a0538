package io.beacon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A disk in memory that loses what was not made durable when it "loses power" ({@link #crash(Random)}), the way
 * a real one may: for each file it keeps a random prefix of the writes since its last {@code force}, tearing the
 * last one kept or flipping a bit in it; of the directory changes since the last directory sync it keeps a random
 * prefix (in the order they were made, as a journaling file system does). It can also be told to fail
 * {@code force} or writes, to crash by itself after a number of operations, and it counts fsyncs.
 *
 * <p>Handles opened before a crash are dead afterwards: every operation on them fails, as it would for a process
 * that did not survive the power cut. Thread-safe; paths are only names here, nothing touches the real disk.
 */
final class CrashableDisk implements StorageIo {
    private final TreeMap<Path, Inode> current = new TreeMap<>();
    private final TreeMap<Path, Inode> durable = new TreeMap<>();
    private final List<NamespaceChange> unsyncedChanges = new ArrayList<>();
    private int generation;
    /** After a crash nothing works until {@link #powerOn()}: the process that used the disk died with it. */
    private boolean off;
    private boolean failForce;
    private boolean failWrites;
    private long operationsUntilCrash = -1;
    private Random crashRandom;
    private long forces;
    private final List<String> crashLog = new ArrayList<>();
    private final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();

    private static final class Inode {
        final boolean directory;
        byte[] durableData = new byte[0];
        byte[] data = new byte[0];
        final List<DataChange> unsynced = new ArrayList<>();

        Inode(boolean directory) {
            this.directory = directory;
        }
    }

    private record DataChange(long position, byte[] bytes, long truncateTo) {
        static DataChange write(long position, byte[] bytes) {
            return new DataChange(position, bytes, -1);
        }

        static DataChange truncate(long size) {
            return new DataChange(0, null, size);
        }

        byte[] applyTo(byte[] data) {
            if (bytes == null) {
                return Arrays.copyOf(data, (int) truncateTo);
            }
            byte[] result = data.length >= position + bytes.length ? data
                    : Arrays.copyOf(data, (int) position + bytes.length);
            System.arraycopy(bytes, 0, result, (int) position, bytes.length);
            return result;
        }
    }

    private record NamespaceChange(Path path, Inode created, Path renamedTo) {
    }

    // ---- fault controls ----

    synchronized void failForce(boolean fail) {
        failForce = fail;
    }

    synchronized void failWrites(boolean fail) {
        failWrites = fail;
    }

    /** Crashes by itself, with this randomness, when the operation after the next operations ones begins. */
    synchronized void crashAfter(long operations, Random random) {
        operationsUntilCrash = operations;
        crashRandom = random;
    }

    synchronized long forces() {
        return forces;
    }

    /** What the last crash kept and lost, for a failing test's message. */
    synchronized List<String> crashLog() {
        return List.copyOf(crashLog);
    }

    /** The last operations, oldest first, for a failing test's message. */
    synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    private void trace(String operation) {
        if (trace.size() == 300) {
            trace.removeFirst();
        }
        trace.addLast(operation);
    }

    /**
     * Loses power: keeps a random part of everything not yet durable (see the class comment) and kills every
     * handle open until now.
     */
    synchronized void crash(Random random) {
        trace("CRASH");
        crashLog.clear();
        int keptChanges = random.nextInt(unsyncedChanges.size() + 1);
        for (int i = 0; i < keptChanges; i++) {
            apply(durable, unsyncedChanges.get(i));
        }
        crashLog.add("kept " + keptChanges + " of " + unsyncedChanges.size() + " directory changes");
        unsyncedChanges.clear();
        Map<Inode, Boolean> seen = new IdentityHashMap<>();
        List<Inode> inodes = new ArrayList<>(current.values());
        inodes.addAll(durable.values());
        for (Inode inode : inodes) {
            if (seen.put(inode, true) != null || inode.unsynced.isEmpty()) {
                continue;
            }
            int kept = random.nextInt(inode.unsynced.size() + 1);
            byte[] data = inode.durableData;
            for (int i = 0; i < kept; i++) {
                data = inode.unsynced.get(i).applyTo(data);
            }
            String damage = "";
            if (kept < inode.unsynced.size() && inode.unsynced.get(kept).bytes() != null
                    && inode.unsynced.get(kept).bytes().length > 0) {
                DataChange next = inode.unsynced.get(kept);
                byte[] bytes = next.bytes().clone();
                if (random.nextBoolean()) {
                    bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                    damage = ", the next torn to " + bytes.length + " of " + next.bytes().length + " bytes";
                } else {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                    damage = ", the next with bit " + bit + " flipped at offset " + (next.position() + bit / 8);
                }
                data = DataChange.write(next.position(), bytes).applyTo(data);
            }
            crashLog.add("a file kept " + kept + " of " + inode.unsynced.size() + " writes" + damage);
            inode.durableData = data;
            inode.unsynced.clear();
        }
        current.clear();
        current.putAll(durable);
        for (Inode inode : current.values()) {
            inode.data = inode.durableData;
        }
        generation++;
        operationsUntilCrash = -1;
        off = true;
    }

    /** Boots again after a crash: a new process may use the disk. */
    synchronized void powerOn() {
        off = false;
    }

    private void requirePower() {
        if (off) {
            throw new java.io.UncheckedIOException(new IOException("the disk has no power"));
        }
    }

    // ---- the file system ----

    @Override
    public synchronized StorageFile open(Path file) throws IOException {
        operation();
        trace("open " + file);
        Inode inode = current.get(file);
        if (inode == null) {
            requireDirectory(file.getParent());
            inode = new Inode(false);
            current.put(file, inode);
            unsyncedChanges.add(new NamespaceChange(file, inode, null));
        } else if (inode.directory) {
            throw new IOException(file + " is a directory");
        }
        return new Handle(inode, generation);
    }

    @Override
    public synchronized boolean exists(Path path) {
        requirePower();
        return current.containsKey(path);
    }

    @Override
    public synchronized boolean isDirectory(Path path) {
        requirePower();
        Inode inode = current.get(path);
        return inode != null && inode.directory;
    }

    @Override
    public synchronized List<String> list(Path directory) throws IOException {
        operation();
        requireDirectory(directory);
        List<String> names = new ArrayList<>();
        for (Path path : current.tailMap(directory, false).keySet()) {
            if (!path.startsWith(directory)) {
                continue;
            }
            if (directory.equals(path.getParent())) {
                names.add(path.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public synchronized void createDirectories(Path directory) throws IOException {
        operation();
        Path root = directory.getRoot();
        Path path = root;
        for (Path name : directory) {
            path = path == null ? name : path.resolve(name);
            Inode inode = current.get(path);
            if (inode == null) {
                inode = new Inode(true);
                current.put(path, inode);
                unsyncedChanges.add(new NamespaceChange(path, inode, null));
            } else if (!inode.directory) {
                throw new IOException(path + " is not a directory");
            }
        }
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        operation();
        Inode inode = current.get(path);
        if (inode == null) {
            return;
        }
        if (inode.directory && !list(path).isEmpty()) {
            throw new IOException(path + " is not empty");
        }
        trace("delete " + path);
        current.remove(path);
        unsyncedChanges.add(new NamespaceChange(path, null, null));
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        operation();
        if (!current.containsKey(from)) {
            throw new NoSuchFileException(from.toString());
        }
        trace("rename " + from + " " + to);
        move(current, from, to);
        unsyncedChanges.add(new NamespaceChange(from, null, to));
    }

    @Override
    public synchronized void syncDirectory(Path directory) throws IOException {
        operation();
        requireDirectory(directory);
        trace("syncDirectory " + directory);
        forces++;
        int last = -1;
        for (int i = 0; i < unsyncedChanges.size(); i++) {
            NamespaceChange change = unsyncedChanges.get(i);
            if (directory.equals(change.path().getParent())
                    || change.renamedTo() != null && directory.equals(change.renamedTo().getParent())) {
                last = i;
            }
        }
        // A journal commits in order: syncing this directory's changes commits every change made before them.
        for (int i = 0; i <= last; i++) {
            apply(durable, unsyncedChanges.get(i));
        }
        unsyncedChanges.subList(0, last + 1).clear();
    }

    /** The durable bytes of a file as a crash now would leave them at best (for tests that corrupt files). */
    synchronized byte[] contents(Path file) throws IOException {
        Inode inode = current.get(file);
        if (inode == null || inode.directory) {
            throw new NoSuchFileException(file.toString());
        }
        return inode.data.clone();
    }

    /** Replaces a file's bytes durably: damage done while the node is down. */
    synchronized void overwrite(Path file, byte[] bytes) throws IOException {
        Inode inode = current.get(file);
        if (inode == null || inode.directory) {
            throw new NoSuchFileException(file.toString());
        }
        inode.data = bytes.clone();
        inode.durableData = inode.data;
        inode.unsynced.clear();
    }

    private static void apply(TreeMap<Path, Inode> namespace, NamespaceChange change) {
        if (change.created() != null) {
            namespace.put(change.path(), change.created());
        } else if (change.renamedTo() != null) {
            if (namespace.containsKey(change.path())) {
                move(namespace, change.path(), change.renamedTo());
            }
        } else {
            namespace.remove(change.path());
        }
    }

    private static void move(TreeMap<Path, Inode> namespace, Path from, Path to) {
        List<Path> moving = new ArrayList<>();
        for (Path path : namespace.tailMap(from, true).keySet()) {
            if (!path.startsWith(from)) {
                continue; // paths sort by characters, so "a.tmp" comes between "a" and "a/b"
            }
            moving.add(path);
        }
        for (Path path : namespace.tailMap(to, true).keySet().toArray(new Path[0])) {
            if (!path.startsWith(to)) {
                continue;
            }
            namespace.remove(path);
        }
        for (Path path : moving) {
            namespace.put(to.resolve(from.relativize(path)), namespace.remove(path));
        }
    }

    private void requireDirectory(Path directory) throws IOException {
        Inode inode = current.get(directory);
        if (inode == null || !inode.directory) {
            throw new NoSuchFileException(directory + " (no such directory)");
        }
    }

    /** Counts an operation towards a planned crash, and crashes (failing the operation) when it is due. */
    private void operation() throws IOException {
        if (off) {
            throw new IOException("the disk has no power");
        }
        if (operationsUntilCrash == 0) {
            crash(crashRandom);
            throw new IOException("the disk lost power");
        }
        if (operationsUntilCrash > 0) {
            operationsUntilCrash--;
        }
    }

    private final class Handle implements StorageFile {
        private final Inode inode;
        private final int openedIn;

        Handle(Inode inode, int openedIn) {
            this.inode = inode;
            this.openedIn = openedIn;
        }

        private String name() {
            for (Map.Entry<Path, Inode> entry : current.entrySet()) {
                if (entry.getValue() == inode) {
                    return entry.getKey().toString();
                }
            }
            return "(deleted)";
        }

        private void alive() throws IOException {
            if (openedIn != generation || off) {
                throw new IOException("the disk lost power since this file was opened");
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (CrashableDisk.this) {
                alive();
                return inode.data.length;
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (CrashableDisk.this) {
                alive();
                int count = (int) Math.max(0, Math.min(dst.remaining(), inode.data.length - position));
                dst.put(inode.data, (int) position, count);
                return count;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (CrashableDisk.this) {
                alive();
                operation();
                if (failWrites) {
                    throw new IOException("No space left on device (injected)");
                }
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                trace("write " + bytes.length + " at " + position + " of " + name());
                DataChange change = DataChange.write(position, bytes);
                inode.data = change.applyTo(inode.data.clone());
                inode.unsynced.add(change);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (CrashableDisk.this) {
                alive();
                operation();
                trace("truncate " + size + " of " + name());
                if (size < inode.data.length) {
                    DataChange change = DataChange.truncate(size);
                    inode.data = change.applyTo(inode.data);
                    inode.unsynced.add(change);
                }
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (CrashableDisk.this) {
                alive();
                operation();
                forces++;
                trace("force " + name() + " size " + inode.data.length);
                if (failForce) {
                    throw new IOException("Input/output error (injected fsync failure)");
                }
                inode.durableData = inode.data;
                inode.unsynced.clear();
            }
        }

        @Override
        public void close() {
        }
    }
}
