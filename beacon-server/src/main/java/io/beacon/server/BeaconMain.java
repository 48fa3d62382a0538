package io.beacon.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bin/beacon}: runs a demo cluster or one server, and talks to a running cluster. */
@Command(name = "beacon", mixinStandardHelpOptions = true,
        description = "Beacon: a service registry on a verified Raft log. With no command: a 3-node demo cluster.",
        subcommands = {BeaconMain.Demo.class, BeaconMain.Start.class, BeaconMain.Kv.class, BeaconMain.Status.class,
                BeaconMain.MembersCommand.class, BeaconMain.AddMember.class, BeaconMain.RemoveMember.class,
                BeaconMain.TransferLeader.class})
public final class BeaconMain implements Callable<Integer> {
    /** The exit status of a server whose member stopped on a storage failure (EX_IOERR). */
    static final int EXIT_MEMBER_FAILED = 74;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new BeaconMain());
        commandLine.setExecutionExceptionHandler((error, command, parsed) -> {
            command.getErr().println("beacon: " + error.getMessage());
            return error instanceof ServerConfig.ConfigException ? 78 : 1;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new Demo().call();
    }

    /** Three servers on 127.0.0.1 in this process, in the foreground until Ctrl-C. */
    @Command(name = "demo", description = "Start a 3-node cluster on 127.0.0.1:8848-8850 in the foreground.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--data", description = "Where the three servers keep their data (default: data/demo).")
        Path data = Path.of("data", "demo");

        @Option(names = "--port", description = "HTTP port of the first server; the others follow (default 8848).")
        int port = 8848;

        @Override
        public Integer call() throws Exception {
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                servers.add("127.0.0.1:" + (port + i));
            }
            List<BeaconServer> started = new ArrayList<>();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (BeaconServer server : started) {
                    try {
                        server.close();
                    } catch (Exception e) {
                        System.err.println("beacon: stopping " + server.httpAddress() + ": " + e);
                    }
                }
                stopped.countDown();
            }, "beacon-demo-stop"));
            for (int i = 0; i < 3; i++) {
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("beacon.http.port", String.valueOf(port + i));
                settings.put("beacon.cluster", String.join(",", servers));
                settings.put("beacon.cluster.secret", "the beacon demo secret (not for production)");
                settings.put("beacon.cluster.id", "beacon-demo");
                settings.put("beacon.data.dir", data.resolve("server-" + (i + 1)).toString());
                started.add(BeaconServer.start(ServerConfig.load(null, Map.of(), new java.util.Properties(),
                        settings)));
            }
            System.out.println("Beacon demo cluster: 3 servers, data in " + data);
            for (BeaconServer server : started) {
                System.out.println("  http://" + server.config().host() + ":" + server.config().httpPort()
                        + "  member " + server.memberId());
            }
            System.out.println("Try:  curl -X PUT --data hello http://127.0.0.1:" + port + "/beacon/v1/kv/greeting");
            System.out.println("      curl http://127.0.0.1:" + (port + 1) + "/beacon/v1/kv/greeting");
            System.out.println("      curl http://127.0.0.1:" + port + "/beacon/v1/cluster");
            System.out.println("      curl -X POST 'http://127.0.0.1:" + port + "/nacos/v1/ns/instance?serviceName=orders"
                    + "&ip=10.0.0.1&port=8080'");
            System.out.println("      curl 'http://127.0.0.1:" + (port + 2) + "/nacos/v1/ns/instance/list?serviceName="
                    + "DEFAULT_GROUP@@orders'");
            System.out.println("Nacos 1.x clients: serverAddr=127.0.0.1:" + port + ",127.0.0.1:" + (port + 1)
                    + ",127.0.0.1:" + (port + 2));
            System.out.println("Ctrl-C stops all three.");
            stopped.await();
            return 0;
        }
    }

    /** One server, configured from a directory, the environment, -D and these options. */
    @Command(name = "start", description = "Run one server in the foreground.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--standalone", description = "A one-node cluster.")
        boolean standalone;

        @Option(names = "--join", description = "With an empty data directory: join a running cluster as a new "
                + "incarnation (a new or wiped server), to be added by the cluster; never as the voter it was.")
        boolean join;

        @Option(names = "--config", description = "Directory with cluster.conf and beacon.properties (default conf).")
        Path config = Path.of("conf");

        @Option(names = "--port", description = "HTTP port (default 8848); the peer port is 1000 lower.")
        Integer port;

        @Option(names = "--host", description = "This server's address as the cluster lists it (default 127.0.0.1).")
        String host;

        @Option(names = "--data", description = "Data directory (default data).")
        Path data;

        @Option(names = "--cluster", split = ",", description = "The cluster's servers, ip:port,... "
                + "(instead of cluster.conf).")
        List<String> cluster;

        @Option(names = "--secret", description = "The shared cluster secret (at least 16 characters).")
        String secret;

        @Override
        public Integer call() throws Exception {
            Map<String, String> settings = new LinkedHashMap<>();
            if (standalone) {
                settings.put("beacon.standalone", "true");
            }
            if (join) {
                settings.put("beacon.join", "true");
            }
            if (port != null) {
                settings.put("beacon.http.port", String.valueOf(port));
            }
            if (host != null) {
                settings.put("beacon.host", host);
            }
            if (data != null) {
                settings.put("beacon.data.dir", data.toString());
            }
            if (cluster != null) {
                settings.put("beacon.cluster", String.join(",", cluster));
            }
            if (secret != null) {
                settings.put("beacon.cluster.secret", secret);
            }
            ServerConfig serverConfig = ServerConfig.load(config, System.getenv(), System.getProperties(), settings);
            BeaconServer server = BeaconServer.start(serverConfig);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    System.err.println("beacon: stopping: " + e);
                }
                stopped.countDown();
            }, "beacon-stop"));
            System.out.println("Beacon server: member " + server.memberId() + " at http://" + serverConfig.host()
                    + ":" + serverConfig.httpPort() + (serverConfig.standalone() ? " (standalone)" : ""));
            // Fail-stop: a member whose storage failed never serves again in this process; exiting lets a
            // supervisor (systemd, a container runtime) restart it, which recovers from what is on disk.
            // On a thread of its own: exit runs the shutdown hook, which waits for the member's threads, one of
            // which completes this future.
            server.node().failed().thenAcceptAsync(cause -> {
                System.err.println("beacon: the member stopped after a storage failure (" + cause + "); exiting "
                        + "with status " + EXIT_MEMBER_FAILED + " so that it can be restarted from its disk");
                System.exit(EXIT_MEMBER_FAILED);
            }, exit -> new Thread(exit, "beacon-fail-stop").start());
            stopped.await();
            return 0;
        }
    }

    /** Key-value commands against a running cluster. */
    @Command(name = "kv", description = "Read and write keys: kv get|put|delete KEY [VALUE].")
    static final class Kv implements Callable<Integer> {
        @Parameters(index = "0", description = "get, put or delete")
        String operation;

        @Parameters(index = "1", description = "the key")
        String key;

        @Parameters(index = "2", arity = "0..1", description = "the value (put)")
        String value;

        @Mixin
        ServerOption server;

        @Option(names = "--prev-value", description = "put/delete only if the key holds this value.")
        String prevValue;

        @Option(names = "--prev-revision", description = "put/delete only if the key last changed at this "
                + "revision (0: only if absent).")
        Long prevRevision;

        @Option(names = "--local", description = "get: read this server's copy instead of a linearizable read.")
        boolean local;

        @Override
        public Integer call() throws Exception {
            String path = NativeRoutes.PREFIX + "/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
            List<String> query = new ArrayList<>();
            if (prevValue != null) {
                query.add("prevValue=" + URLEncoder.encode(prevValue, StandardCharsets.UTF_8));
            }
            if (prevRevision != null) {
                query.add("prevRevision=" + prevRevision);
            }
            if (local) {
                query.add("consistency=local");
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path
                    + (query.isEmpty() ? "" : "?" + String.join("&", query)))).timeout(Duration.ofSeconds(15));
            switch (operation) {
                case "get" -> request.GET();
                case "put" -> {
                    if (value == null) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "put needs a value");
                    }
                    request.PUT(HttpRequest.BodyPublishers.ofString(value));
                }
                case "delete" -> request.DELETE();
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "unknown operation '" + operation + "': use get, put or delete");
            }
            return send(request.build());
        }
    }

    @Command(name = "status", description = "Show a server's view of the cluster.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            return send(HttpRequest.newBuilder(server.uri(NativeRoutes.PREFIX + "/cluster"))
                    .timeout(Duration.ofSeconds(5)).GET().build());
        }
    }

    @Command(name = "members", description = "List the cluster's voters and learners with their addresses.")
    static final class MembersCommand implements Callable<Integer> {
        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            return send(HttpRequest.newBuilder(server.uri(NativeRoutes.PREFIX + "/members"))
                    .timeout(Duration.ofSeconds(5)).GET().build());
        }
    }

    @Command(name = "add-member", description = "Add the server at ADDRESS (started with --join) as a voter.")
    static final class AddMember implements Callable<Integer> {
        @Parameters(index = "0", description = "the new server's HTTP address, ip:port")
        String address;

        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            return send(HttpRequest.newBuilder(server.uri(NativeRoutes.PREFIX
                            + "/members?address=" + URLEncoder.encode(address, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build());
        }
    }

    @Command(name = "remove-member", description = "Remove a member (by id; see members) from the cluster.")
    static final class RemoveMember implements Callable<Integer> {
        @Parameters(index = "0", description = "the member id")
        long memberId;

        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            return send(HttpRequest.newBuilder(server.uri(NativeRoutes.PREFIX + "/members/"
                    + memberId)).timeout(Duration.ofSeconds(15)).DELETE().build());
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to another voter (by member id).")
    static final class TransferLeader implements Callable<Integer> {
        @Parameters(index = "0", description = "the member id of the voter to lead")
        long memberId;

        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            return send(HttpRequest.newBuilder(server.uri(NativeRoutes.PREFIX + "/leader?to="
                    + memberId)).timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build());
        }
    }

    /** The {@code --server} option of the commands that talk to a running cluster. */
    static final class ServerOption {
        @Option(names = "--server", description = "Any server of the cluster, host:port (default 127.0.0.1:8848).")
        String address = "127.0.0.1:8848";

        URI uri(String pathAndQuery) {
            return URI.create("http://" + address + pathAndQuery);
        }
    }

    /** Prints the answer; exit 0 on 2xx, 1 otherwise. */
    static int send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }
}
