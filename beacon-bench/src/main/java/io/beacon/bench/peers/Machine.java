package io.beacon.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run measured on: these machines are shared, so every run says how busy it was. */
final class Machine {
    private Machine() {
    }

    /** Cores, load averages and Java version. */
    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, load " + load() + ", Java "
                + System.getProperty("java.version");
    }

    /** The 1-, 5- and 15-minute load averages. */
    static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
