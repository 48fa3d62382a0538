// Owns: where each server of a nemesis cluster listens. Never opens anything but a probe socket on loopback.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses of a cluster's servers: server {@code i} listens for HTTP on {@code hosts[i]:httpPorts[i]} and for
 * its peers on the port {@value #PEER_PORT_OFFSET} lower (the server's default). Only loopback addresses are
 * accepted, so a nemesis never aims traffic anywhere else.
 *
 * <p>Two shapes: {@link #ownNamespace} puts every server on its own address from 127.0.0.2 up, all on the same
 * ports — only possible in a network namespace of our own, where those ports are surely free — so that iptables
 * rules between two addresses cut exactly one pair of servers, while clients (whose packets leave from 127.0.0.1)
 * stay connected to every server. {@link #freePorts} puts every server on 127.0.0.1 with distinct free ports, for
 * tests that run in the machine's own namespace and make no network faults.
 */
public record ClusterLayout(List<String> hosts, List<Integer> httpPorts) {
    /** The server's peer port is its HTTP port minus this (beacon.peer.port.offset's default). */
    public static final int PEER_PORT_OFFSET = 1000;

    public ClusterLayout {
        hosts = List.copyOf(hosts);
        httpPorts = List.copyOf(httpPorts);
        if (hosts.size() != httpPorts.size() || hosts.isEmpty()) {
            throw new IllegalArgumentException("need one HTTP port per host, and at least one host: hosts " + hosts
                    + ", ports " + httpPorts);
        }
        for (String host : hosts) {
            if (!host.startsWith("127.")) {
                throw new IllegalArgumentException("a nemesis cluster listens on loopback addresses only (127.0.0.0/8),"
                        + " not on " + host);
            }
        }
    }

    /** n servers on 127.0.0.2 ... 127.0.0.(n+1), each on httpPort: for a network namespace of our own. */
    public static ClusterLayout ownNamespace(int servers, int httpPort) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            hosts.add("127.0.0." + (i + 2));
        }
        return new ClusterLayout(hosts, Collections.nCopies(servers, httpPort));
    }

    /** n servers on 127.0.0.1, each on a free HTTP port whose peer port is free too. */
    public static ClusterLayout freePorts(int servers) throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < servers) {
            int port = freePortPair();
            if (!ports.contains(port) && !ports.contains(port - PEER_PORT_OFFSET)
                    && !ports.contains(port + PEER_PORT_OFFSET)) {
                ports.add(port);
            }
        }
        return new ClusterLayout(Collections.nCopies(servers, "127.0.0.1"), ports);
    }

    public int size() {
        return hosts.size();
    }

    public String host(int node) {
        return hosts.get(node);
    }

    public int httpPort(int node) {
        return httpPorts.get(node);
    }

    /** The server's HTTP address as the cluster lists it: {@code ip:port}. */
    public String address(int node) {
        return host(node) + ":" + httpPort(node);
    }

    /** The {@code --cluster} argument every server gets: all addresses, comma-separated. */
    public String clusterArgument() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            all.add(address(i));
        }
        return String.join(",", all);
    }

    private static int freePortPair() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
                port = probe.getLocalPort();
            }
            if (port <= PEER_PORT_OFFSET + 1024) {
                continue;
            }
            try (ServerSocket peer = new ServerSocket(port - PEER_PORT_OFFSET, 1, loopback)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("found no free pair of ports (HTTP and HTTP - " + PEER_PORT_OFFSET + ") on 127.0.0.1");
    }
}
