package io.beacon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a benchmark reads about a server process it started: its CPU time and its heap. */
public final class ProcessStats {
    /** The kernel's clock ticks per second in /proc/PID/stat (USER_HZ, 100 on Linux). */
    public static final double CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ProcessStats() {
    }

    /** The CPU time (user + system, in clock ticks) the process has used so far. */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Heap in use after a full collection in KiB, from jcmd (the JDK's own tool): the sum over the generations it
     * lists (the parallel collector's young and old, or G1's one heap line).
     */
    public static long heapAfterGcKb(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, String.valueOf(pid), "GC.run");
        long usedKb = 0;
        for (String line : run(jcmd, String.valueOf(pid), "GC.heap_info").split("\n")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                usedKb += Long.parseLong(m.group(1));
            }
        }
        return usedKb;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
