package io.beacon.bench.peers;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member of an {@link EtcdCluster}: an {@code etcd} process on 127.0.0.1 with its own client port, peer port,
 * data directory and log file. The same command line serves the first start and every restart: once the data
 * directory holds the member, etcd ignores the {@code --initial-cluster*} flags and comes back as that member.
 * Heartbeat, election timeout and fsync stay at etcd's defaults (100 ms, 1000 ms, on).
 */
final class EtcdMember {
    private final Path binary;
    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final File log;
    private Process process;

    EtcdMember(Path binary, String name, int clientPort, int peerPort, Path dataDir, Path log) {
        this.binary = binary;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDir = dataDir;
        this.log = log.toFile();
    }

    int clientPort() {
        return clientPort;
    }

    int peerPort() {
        return peerPort;
    }

    /** This member's entry in {@code --initial-cluster}: its name and peer URL. */
    String clusterEntry() {
        return name + "=" + url(peerPort);
    }

    /**
     * Starts the process (appending to its log), as one of initialCluster (every member's {@link #clusterEntry()},
     * comma-separated) bootstrapped with token.
     */
    synchronized void start(String initialCluster, String token) throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(),
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", url(clientPort),
                "--advertise-client-urls", url(clientPort),
                "--listen-peer-urls", url(peerPort),
                "--initial-advertise-peer-urls", url(peerPort),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        // etcd also reads every flag from an ETCD_* variable and refuses to start when one shadows a flag.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
        process = builder.start();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL through the process handle; returns once the process has exited. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }
}
