package io.beacon.bench.peers.sofajraft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link SofaJraftServer}: {@code --id N --peers host:port,host:port,... --http-port P
 * --data DIR [--snapshot-interval-secs S]}. The node is the N-th (from 0) of the peers and listens for them on that
 * entry's address; its HTTP API listens on the same host at P. Without --snapshot-interval-secs the node keeps
 * SOFAJRaft's default interval.
 */
record ServerOptions(int id, List<String> peers, int httpPort, Path data, Integer snapshotIntervalSecs) {

    ServerOptions {
        peers = List.copyOf(peers);
        if (id < 0 || id >= peers.size()) {
            throw new IllegalArgumentException("--id " + id + " is not an index of --peers " + peers);
        }
    }

    /** This node's raft address, host:port. */
    String self() {
        return peers.get(id);
    }

    /** The host of this node's raft address, where its HTTP API listens too. */
    String host() {
        String self = self();
        return self.substring(0, self.lastIndexOf(':'));
    }

    /** Parses args; throws IllegalArgumentException naming what is wrong or missing. */
    static ServerOptions parse(String[] args) {
        Integer id = null;
        List<String> peers = null;
        Integer httpPort = null;
        Path data = null;
        Integer snapshotIntervalSecs = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " without a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--id" -> id = Integer.parseInt(value);
                case "--peers" -> peers = new ArrayList<>(List.of(value.split(",")));
                case "--http-port" -> httpPort = Integer.parseInt(value);
                case "--data" -> data = Path.of(value);
                case "--snapshot-interval-secs" -> snapshotIntervalSecs = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (id == null || peers == null || httpPort == null || data == null) {
            throw new IllegalArgumentException("usage: --id N --peers host:port,host:port,... --http-port P"
                    + " --data DIR [--snapshot-interval-secs S]");
        }
        return new ServerOptions(id, peers, httpPort, data, snapshotIntervalSecs);
    }
}
