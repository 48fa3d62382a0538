package io.beacon.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Beacon server in a JVM of its own ({@code BeaconMain start ...}), started by a test, which kills only this
 * process, by its handle. Its output is kept (bounded) for failure messages.
 */
final class ServerProcess implements AutoCloseable {
    private final List<String> arguments;
    private final StringBuilder output = new StringBuilder();
    private List<String> launcher = List.of();
    private Process process;

    ServerProcess(List<String> arguments) {
        this.arguments = List.copyOf(arguments);
    }

    /** The arguments of {@code start} for one server of a cluster on 127.0.0.1. */
    static List<String> startArguments(int httpPort, List<Integer> clusterPorts, Path data, String secret) {
        List<String> servers = new ArrayList<>();
        for (int port : clusterPorts) {
            servers.add("127.0.0.1:" + port);
        }
        return List.of("start", "--port", String.valueOf(httpPort), "--cluster", String.join(",", servers),
                "--data", data.toString(), "--secret", secret, "--config", data.resolve("no-conf").toString());
    }

    /** Runs the JVM under a launcher command (e.g. {@code fiu-run -x}) from the next start on. */
    ServerProcess withLauncher(List<String> launcher) {
        this.launcher = List.copyOf(launcher);
        return this;
    }

    ServerProcess start() throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), BeaconMain.class.getName()));
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> drain(process.getInputStream()), "server-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Integer exitValue(long waitSeconds) throws InterruptedException {
        return process.waitFor(waitSeconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    if (output.length() < 256 << 10) {
                        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
