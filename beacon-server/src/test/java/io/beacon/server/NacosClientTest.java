package io.beacon.server;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingMaintainFactory;
import com.alibaba.nacos.api.naming.NamingMaintainService;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.alibaba.nacos.api.naming.pojo.ListView;
import com.alibaba.nacos.api.naming.pojo.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.beacon.server.ServerTestSupport.call;
import static io.beacon.server.ServerTestSupport.freeHttpPort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real nacos-client 1.4.2, unchanged, against three Beacon servers in JVMs of their own on loopback:
 * registration of persistent and ephemeral instances, queries, subscription by UDP push, deregistration, service
 * administration, {@code kill -9} of the leader while the client registers and beats, and an ephemeral instance
 * whose client stopped beating turning unhealthy and then disappearing on its own (shortened) schedule.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NacosClientTest {
    private static final String SECRET = "the secret of this nacos test";

    @TempDir
    static Path clientHome;
    @TempDir
    Path data;

    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<NamingService> clients = new ArrayList<>();

    @BeforeAll
    static void keepTheClientOnLoopbackAndInTheTestDirectory() {
        // The client sends this address for UDP pushes; by default it is a non-loopback address of the machine.
        System.setProperty("com.alibaba.nacos.client.naming.local.ip", "127.0.0.1");
        System.setProperty("com.alibaba.nacos.naming.cache.dir", clientHome.resolve("cache").toString());
        System.setProperty("JM.LOG.PATH", clientHome.resolve("logs").toString());
        System.setProperty("JM.SNAPSHOT.PATH", clientHome.resolve("snapshot").toString());
        System.setProperty("nacos.logging.default.config.enabled", "false");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (NamingService client : clients) {
            client.shutDown();
        }
        for (ServerProcess process : processes) {
            process.close();
        }
    }

    private void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            ports.add(freeHttpPort());
        }
        for (int i = 0; i < 3; i++) {
            Path dir = data.resolve("server-" + i);
            Files.createDirectories(dir);
            processes.add(new ServerProcess(ServerProcess.startArguments(ports.get(i), ports, dir, SECRET)).start());
        }
        for (int port : ports) {
            awaitTrue("server " + port + " healthy", 60, () -> call("GET", port, "/beacon/v1/health", null)
                    .status() == 200);
        }
    }

    private Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty("serverAddr", ports.stream().map(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(",")));
        properties.setProperty("namingLoadCacheAtStart", "false");
        return properties;
    }

    private NamingService client() throws NacosException {
        NamingService client = NamingFactory.createNamingService(clientProperties());
        clients.add(client);
        return client;
    }

    private static void awaitTrue(String what, int seconds, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + seconds + " s: " + what, last);
    }

    private static Set<String> endpoints(List<Instance> instances) {
        return instances.stream().map(i -> i.getIp() + ":" + i.getPort()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The instances a server lists for a service, read over HTTP (no client cache in between). */
    private Set<String> listedBy(int port, String service, boolean healthyOnly) throws Exception {
        String body = call("GET", port, "/nacos/v1/ns/instance/list?serviceName=DEFAULT_GROUP@@" + service
                + "&healthyOnly=" + healthyOnly, null).body();
        Set<String> found = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"port\":(\\d+),\"ip\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            found.add(m.group(2) + ":" + m.group(1));
        }
        return found;
    }

    @Test
    void theNacosClientRegistersQueriesSubscribesAndAdministersServices() throws Exception {
        startCluster();
        NamingService naming = client();
        naming.registerInstance("orders", "10.1.0.1", 8080);
        Instance persistent = new Instance();
        persistent.setIp("10.1.0.2");
        persistent.setPort(8080);
        persistent.setEphemeral(false);
        persistent.setWeight(3);
        persistent.setMetadata(Map.of("zone", "a"));
        naming.registerInstance("orders", persistent);

        awaitTrue("both instances listed", 20, () -> endpoints(naming.getAllInstances("orders"))
                .equals(Set.of("10.1.0.1:8080", "10.1.0.2:8080")));
        Instance fetched = naming.getAllInstances("orders").stream().filter(i -> !i.isEphemeral()).findFirst()
                .orElseThrow();
        assertThat(fetched.getWeight()).isEqualTo(3.0);
        assertThat(fetched.getMetadata()).containsEntry("zone", "a");
        assertThat(fetched.getInstanceId()).isEqualTo("10.1.0.2#8080#DEFAULT#DEFAULT_GROUP@@orders");
        assertThat(endpoints(naming.selectInstances("orders", true))).hasSize(2);
        assertThat(naming.selectOneHealthyInstance("orders").getIp()).startsWith("10.1.0.");
        for (int port : ports) {
            assertThat(listedBy(port, "orders", false)).as("server %d's own copy", port).hasSize(2);
        }

        BlockingQueue<Set<String>> events = new LinkedBlockingQueue<>();
        naming.subscribe("orders", event -> events.add(endpoints(((NamingEvent) event).getInstances())));
        naming.registerInstance("orders", "10.1.0.3", 8080);
        awaitTrue("the subscriber hears of the new instance", 30, () -> {
            Set<String> seen = events.poll(1, TimeUnit.SECONDS);
            return seen != null && seen.contains("10.1.0.3:8080");
        });
        awaitTrue("a server pushed by UDP and the client acknowledged", 30, () -> {
            long acknowledged = 0;
            for (int port : ports) {
                String state = call("GET", port, "/nacos/v1/ns/operator/push/state", null).body();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"succeed\":(\\d+)").matcher(state);
                acknowledged += m.find() ? Long.parseLong(m.group(1)) : 0;
            }
            return acknowledged > 0;
        });

        naming.deregisterInstance("orders", "10.1.0.1", 8080);
        awaitTrue("deregistered everywhere", 20, () -> {
            for (int port : ports) {
                if (listedBy(port, "orders", false).contains("10.1.0.1:8080")) {
                    return false;
                }
            }
            return true;
        });

        Properties properties = clientProperties();
        NamingMaintainService maintain = NamingMaintainFactory.createMaintainService(properties);
        maintain.createService("payments");
        Service payments = maintain.queryService("payments");
        assertThat(payments.getName()).isEqualTo("payments");
        assertThat(payments.getGroupName()).isEqualTo("DEFAULT_GROUP");
        maintain.updateService("payments", "DEFAULT_GROUP", 0.5f);
        // A service, like the service list below, is read from whichever server the client asks, from its own
        // copy (as Nacos serves it), so a server that has not yet applied the change may answer from before it.
        awaitTrue("the new protect threshold served", 20,
                () -> maintain.queryService("payments").getProtectThreshold() == 0.5f);
        awaitTrue("orders and payments listed", 20, () -> {
            ListView<String> services = naming.getServicesOfServer(1, 10);
            return services.getCount() == 2 && services.getData().containsAll(List.of("orders", "payments"));
        });
        assertThat(maintain.deleteService("payments")).isTrue();
        awaitTrue("payments gone from the list", 20,
                () -> naming.getServicesOfServer(1, 10).getData().equals(List.of("orders")));
        maintain.shutDown();
    }

    @Test
    void theClientCarriesOnThroughKillingTheLeaderAndNoPersistentInstanceIsLost() throws Exception {
        startCluster();
        NamingService naming = client();
        naming.registerInstance("beating", "10.2.0.1", 9000);
        Set<String> acknowledged = new TreeSet<>();
        int leader = -1;
        for (int i = 0; i < 3 && leader < 0; i++) {
            if (call("GET", ports.get(i), "/beacon/v1/cluster", null).body().contains("\"role\":\"LEADER\"")) {
                leader = i;
            }
        }
        assertThat(leader).as("a leader").isGreaterThanOrEqualTo(0);
        for (int n = 1; n <= 60; n++) {
            if (n == 20) {
                processes.get(leader).kill();
            }
            Instance instance = new Instance();
            instance.setIp("10.3.0." + n);
            instance.setPort(7000);
            instance.setEphemeral(false);
            try {
                naming.registerInstance("durable", instance);
                acknowledged.add("10.3.0." + n + ":7000");
            } catch (NacosException refused) {
                // not acknowledged: it may or may not be there
            }
        }
        assertThat(acknowledged.size()).as("the client carried on after the leader died").isGreaterThan(40);
        int survivor = ports.get((leader + 1) % 3);
        assertThat(acknowledged).isNotEmpty();
        awaitTrue("every acknowledged persistent instance is there", 30,
                () -> listedBy(survivor, "durable", false).containsAll(acknowledged));
        awaitTrue("the ephemeral instance keeps beating through the failover", 30,
                () -> listedBy(survivor, "beating", true).contains("10.2.0.1:9000"));
    }

    @Test
    void anEphemeralInstanceWhoseClientStopsBeatingTurnsUnhealthyThenDisappears() throws Exception {
        startCluster();
        NamingService naming = client();
        Instance instance = new Instance();
        instance.setIp("10.4.0.1");
        instance.setPort(6000);
        instance.setMetadata(Map.of("preserved.heart.beat.interval", "500", "preserved.heart.beat.timeout", "2000",
                "preserved.ip.delete.timeout", "8000"));
        naming.registerInstance("short-lived", instance);
        int port = ports.get(0);
        awaitTrue("registered and healthy", 20, () -> listedBy(port, "short-lived", true).contains("10.4.0.1:6000"));
        Thread.sleep(3000);
        assertThat(listedBy(port, "short-lived", true)).as("still healthy while it beats").contains("10.4.0.1:6000");

        // The client's beats stop first thing in shutDown, which then takes seconds to close the rest: the test
        // watches meanwhile.
        clients.remove(naming);
        Thread stopping = new Thread(() -> {
            try {
                naming.shutDown();
            } catch (NacosException e) {
                throw new IllegalStateException(e);
            }
        });
        stopping.start();
        // Read the instance itself: the list would serve it as healthy, since it is the service's only instance
        // and its protect threshold (0) is reached when none is healthy, as in Nacos.
        String detail = "/nacos/v1/ns/instance?serviceName=DEFAULT_GROUP@@short-lived&ip=10.4.0.1&port=6000";
        awaitTrue("unhealthy once beats stop", 20, () -> call("GET", port, detail, null).body()
                .contains("\"healthy\":false"));
        assertThat(listedBy(port, "short-lived", true)).as("served healthy: the protect threshold is reached")
                .contains("10.4.0.1:6000");
        awaitTrue("removed after the delete timeout", 20,
                () -> !listedBy(port, "short-lived", false).contains("10.4.0.1:6000"));
        stopping.join(30_000);
    }
}
