package io.beacon.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A server's settings. Each has a default; {@code conf/beacon.properties} overrides it, then an environment
 * variable (the name upper-cased with dots as underscores: {@code BEACON_HTTP_PORT}), then a {@code -D} system
 * property, then the command line. The cluster's servers come from {@code conf/cluster.conf} (one {@code ip:port}
 * a line, {@code #} comments, as in Nacos) unless {@code beacon.cluster} lists them. A bad setting stops start-up
 * with a {@link ConfigException} that says what to fix.
 */
public record ServerConfig(String host, int httpPort, int peerPortOffset, Path dataDirectory, boolean standalone,
                           boolean join, List<InetSocketAddress> cluster, String clusterId, String secret,
                           long tickMillis, long snapshotEntries, int replicationInflight, int maxValueBytes,
                           boolean authEnabled, Map<String, String> authUsers, long authTokenTtlSeconds) {

    /** Every setting with its default. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("beacon.host", "127.0.0.1");
        defaults.put("beacon.http.port", "8848");
        defaults.put("beacon.peer.port.offset", "1000");
        defaults.put("beacon.data.dir", "data");
        defaults.put("beacon.standalone", "false");
        defaults.put("beacon.join", "false");
        defaults.put("beacon.cluster", "");
        defaults.put("beacon.cluster.id", "beacon");
        defaults.put("beacon.cluster.secret", "");
        defaults.put("beacon.tick.millis", "50");
        defaults.put("beacon.snapshot.entries", "100000");
        defaults.put("beacon.replication.inflight", "1");
        defaults.put("beacon.kv.max.value.bytes", String.valueOf(1 << 20));
        defaults.put("beacon.auth.enabled", "false");
        defaults.put("beacon.auth.users", "");
        defaults.put("beacon.auth.token.ttl.seconds", "18000");
        return Map.copyOf(defaults);
    }

    /** A setting a user got wrong, with what to do about it. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public InetSocketAddress httpAddress() {
        return new InetSocketAddress(host, httpPort);
    }

    public InetSocketAddress peerAddress() {
        return new InetSocketAddress(host, httpPort - peerPortOffset);
    }

    /**
     * Loads the settings: defaults, then configDirectory's beacon.properties and cluster.conf (if the directory
     * is given and holds them), then environment, system properties and the command line's overrides.
     */
    public static ServerConfig load(Path configDirectory, Map<String, String> environment, Properties system,
                                    Map<String, String> commandLine) {
        Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
        String clusterFromFile = "";
        if (configDirectory != null) {
            Path properties = configDirectory.resolve("beacon.properties");
            if (Files.exists(properties)) {
                Properties file = new Properties();
                try (Reader reader = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
                    file.load(reader);
                } catch (IOException | IllegalArgumentException e) {
                    throw new ConfigException("cannot read " + properties + ": " + e.getMessage());
                }
                for (String name : file.stringPropertyNames()) {
                    requireKnown(name, properties.toString());
                    settings.put(name, file.getProperty(name).trim());
                }
            }
            Path clusterConf = configDirectory.resolve("cluster.conf");
            if (Files.exists(clusterConf)) {
                clusterFromFile = readClusterConf(clusterConf);
            }
        }
        if (!clusterFromFile.isEmpty() && settings.get("beacon.cluster").isEmpty()) {
            settings.put("beacon.cluster", clusterFromFile);
        }
        for (String name : DEFAULTS.keySet()) {
            String variable = name.toUpperCase(Locale.ROOT).replace('.', '_');
            if (environment.containsKey(variable)) {
                settings.put(name, environment.get(variable).trim());
            }
            if (system.getProperty(name) != null) {
                settings.put(name, system.getProperty(name).trim());
            }
        }
        for (Map.Entry<String, String> override : commandLine.entrySet()) {
            requireKnown(override.getKey(), "the command line");
            settings.put(override.getKey(), override.getValue());
        }
        return from(settings);
    }

    private static void requireKnown(String name, String where) {
        if (!DEFAULTS.containsKey(name)) {
            throw new ConfigException("unknown setting '" + name + "' in " + where + "; known settings: "
                    + String.join(", ", DEFAULTS.keySet()));
        }
    }

    /** The servers cluster.conf lists, comma-separated; each line is ip:port, # starts a comment. */
    static String readClusterConf(Path file) {
        List<String> servers = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String server = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (server.isEmpty()) {
                continue;
            }
            try {
                parseAddress(server);
            } catch (ConfigException e) {
                throw new ConfigException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
            servers.add(server);
        }
        return String.join(",", servers);
    }

    static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new ConfigException("'" + text + "' is not ip:port");
        }
        String host = text.substring(0, colon);
        int port = parsePort(text.substring(colon + 1), "'" + text + "'");
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int parsePort(String text, String what) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new ConfigException(what + ": port " + port + " is outside 1-65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigException(what + ": '" + text + "' is not a port number");
        }
    }

    private static ServerConfig from(Map<String, String> settings) {
        String host = settings.get("beacon.host");
        int httpPort = parsePort(settings.get("beacon.http.port"), "beacon.http.port");
        int offset = integer(settings, "beacon.peer.port.offset", 1, 65534);
        if (httpPort - offset < 1) {
            throw new ConfigException("beacon.http.port " + httpPort + " minus beacon.peer.port.offset " + offset
                    + " is not a port; choose a higher HTTP port or a smaller offset");
        }
        boolean standalone = bool(settings, "beacon.standalone");
        List<InetSocketAddress> cluster = new ArrayList<>();
        for (String server : settings.get("beacon.cluster").split(",")) {
            if (!server.isBlank()) {
                InetSocketAddress address = parseAddress(server.trim());
                cluster.add(InetSocketAddress.createUnresolved(address.getHostString(), address.getPort()));
            }
        }
        InetSocketAddress self = InetSocketAddress.createUnresolved(host, httpPort);
        if (standalone) {
            cluster = List.of(self);
        } else if (cluster.isEmpty()) {
            throw new ConfigException("no cluster is configured: list the servers (ip:port, one a line) in "
                    + "conf/cluster.conf or give --cluster, or run a one-node cluster with --standalone");
        } else if (!cluster.contains(self)) {
            throw new ConfigException("this server (" + host + ":" + httpPort + ") is not among the cluster's "
                    + "servers " + cluster + "; set beacon.host and beacon.http.port to its entry");
        }
        String secret = settings.get("beacon.cluster.secret");
        if (!standalone && secret.length() < 16) {
            throw new ConfigException("beacon.cluster.secret must be set to at least 16 characters, the same on "
                    + "every server (peers prove they know it before they may vote or replicate)");
        }
        if (standalone && secret.isEmpty()) {
            // No peer ever needs it; it still signs access tokens, so it must not be guessable (tokens then last
            // until the server restarts).
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            secret = java.util.HexFormat.of().formatHex(random);
        }
        boolean join = bool(settings, "beacon.join");
        if (join && standalone) {
            throw new ConfigException("a standalone server has nothing to join: drop beacon.join or beacon.standalone");
        }
        boolean authEnabled = bool(settings, "beacon.auth.enabled");
        Map<String, String> users = users(settings.get("beacon.auth.users"));
        if (authEnabled && users.isEmpty()) {
            throw new ConfigException("beacon.auth.enabled is true but beacon.auth.users names nobody: list the users "
                    + "as name:password,name:password");
        }
        return new ServerConfig(host, httpPort, offset, Path.of(settings.get("beacon.data.dir")), standalone, join,
                List.copyOf(cluster), settings.get("beacon.cluster.id"), secret,
                integer(settings, "beacon.tick.millis", 1, 10_000),
                integer(settings, "beacon.snapshot.entries", 100, Integer.MAX_VALUE),
                integer(settings, "beacon.replication.inflight", 1, 1024),
                integer(settings, "beacon.kv.max.value.bytes", 1, 16 << 20), authEnabled, users,
                integer(settings, "beacon.auth.token.ttl.seconds", 1, Integer.MAX_VALUE));
    }

    /** The users of {@code name:password,name:password}, in name order. */
    private static Map<String, String> users(String text) {
        Map<String, String> users = new java.util.TreeMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException("beacon.auth.users: '" + entry.trim() + "' is not name:password");
            }
            users.put(entry.substring(0, colon).trim(), entry.substring(colon + 1));
        }
        return Map.copyOf(users);
    }

    private static int integer(Map<String, String> settings, String name, int min, int max) {
        String text = settings.get(name);
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number, was '" + text + "'");
        }
    }

    private static boolean bool(Map<String, String> settings, String name) {
        String text = settings.get(name).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new ConfigException(name + " must be true or false, was '" + settings.get(name) + "'");
        }
        return text.equals("true");
    }

    /** Never prints the secret or the users' passwords. */
    @Override
    public String toString() {
        return "ServerConfig[" + host + ":" + httpPort + ", data " + dataDirectory + ", "
                + (standalone ? "standalone" : "cluster " + cluster) + "]";
    }
}
