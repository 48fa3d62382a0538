package io.beacon.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.beacon.server.ServerTestSupport.awaitHealthy;
import static io.beacon.server.ServerTestSupport.call;
import static io.beacon.server.ServerTestSupport.callForm;
import static io.beacon.server.ServerTestSupport.freeHttpPort;
import static org.assertj.core.api.Assertions.assertThat;

/** The Nacos API of a standalone server: each client mistake's status and text, form bodies, authentication. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NacosApiTest {
    private static final String NS = "/nacos/v1/ns";

    @TempDir
    Path data;

    private final List<BeaconServer> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (BeaconServer server : servers) {
            server.close();
        }
    }

    private int standalone(Map<String, String> extra) throws Exception {
        int port = freeHttpPort();
        Map<String, String> settings = new LinkedHashMap<>(extra);
        settings.put("beacon.standalone", "true");
        settings.put("beacon.http.port", String.valueOf(port));
        settings.put("beacon.data.dir", data.resolve("standalone-" + port).toString());
        servers.add(BeaconServer.start(ServerConfig.load(null, Map.of(), new Properties(), settings)));
        awaitHealthy(port);
        return port;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void expect(ServerTestSupport.Answer answer, int status, String text) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.body()).contains(text);
    }

    @Test
    void everyClientMistakeGetsNacosStatusAndText() throws Exception {
        // A small body limit (about 65 KiB), so that the over-large body below fits in the loopback socket's
        // buffers: the client has sent it all when the 413 comes back, instead of being cut off mid-send.
        int port = standalone(Map.of("beacon.kv.max.value.bytes", "1000"));
        String instance = NS + "/instance?serviceName=orders&ip=10.0.0.1&port=8080";
        expect(call("POST", port, instance, null), 200, "ok");
        expect(call("POST", port, NS + "/instance?serviceName=orders&port=8080", null), 400,
                "Param 'ip' is required.");
        expect(call("POST", port, NS + "/instance?ip=10.0.0.1&port=8080", null), 400,
                "Param 'serviceName' is required.");
        expect(call("POST", port, NS + "/instance?serviceName=orders&ip=10.0.0.300&port=1", null), 400,
                "IP address");
        expect(call("POST", port, instance + "&weight=10001", null), 400, "weights range from 0.0 to 10000.0");
        expect(call("POST", port, NS + "/instance?serviceName=orders&ip=10.0.0.1&port=http", null), 400, "port");
        expect(call("POST", port, instance + "&namespaceId=" + encoded("a/b"), null), 400, "namespaceId");
        expect(call("POST", port, instance + "&namespaceId=..", null), 400, "namespaceId");
        expect(call("POST", port, instance + "&metadata=" + encoded("{\"a\":"), null), 400, "metadata");
        expect(call("POST", port, instance + "&metadata=" + encoded("k=" + "v".repeat(20_000)), null), 400,
                "metadata");
        expect(call("PUT", port, NS + "/instance?serviceName=orders&ip=10.9.9.9&port=1", null), 400,
                "instance not exist");
        expect(call("GET", port, NS + "/instance?serviceName=orders&ip=10.9.9.9&port=1", null), 404,
                "no matched ip found!");
        expect(call("DELETE", port, NS + "/service?serviceName=orders", null), 400, "has instances");
        expect(call("POST", port, NS + "/service?serviceName=orders", null), 400, "already exists");
        expect(call("GET", port, NS + "/service?serviceName=nothing", null), 404, "is not found");
        expect(call("GET", port, NS + "/service/list?pageSize=10", null), 400, "Param 'pageNo' is required.");
        expect(callForm("PUT", port, NS + "/instance/beat?serviceName=DEFAULT_GROUP@@orders", "beat=%7Bnot"), 400,
                "beat is not valid JSON");
        expect(call("GET", port, NS + "/catalog/instances?serviceName=nothing&clusterName=DEFAULT&pageNo=1"
                + "&pageSize=10", null), 400, "service not found");
        expect(call("PUT", port, NS + "/operator/switches?entry=noSuchSwitch&value=1", null), 400, "noSuchSwitch");
        expect(call("GET", port, NS + "/no/such/thing", null), 404, "no such endpoint");
        expect(call("PATCH", port, NS + "/instance", null), 404, "no such endpoint");
        expect(call("POST", port, instance + "&metadata=" + "x".repeat(2 << 20), null), 414, "longer than");
        expect(call("POST", port, NS + "/instance?serviceName=orders&ip=10.0.0.2&port=80", "y".repeat(100_000)),
                413, "");
        expect(call("GET", port, NS + "/instance/list?serviceName=DEFAULT_GROUP@@orders", null), 200,
                "\"ip\":\"10.0.0.1\"");
        expect(call("GET", port, NS + "/instance/list?serviceName=DEFAULT_GROUP@@orders&consistency=linearizable",
                null), 200, "\"ip\":\"10.0.0.1\"");
        expect(call("GET", port, NS + "/instance/list?serviceName=DEFAULT_GROUP@@orders&consistency=eventual",
                null), 400, "consistency must be local or linearizable");
    }

    @Test
    void noParameterAnyClientSendsGetsA500() throws Exception {
        int port = standalone(Map.of());
        String[] routes = {"POST /instance", "DELETE /instance", "PUT /instance", "GET /instance",
            "GET /instance/list", "PUT /instance/beat", "POST /service", "PUT /service", "DELETE /service",
            "GET /service", "GET /service/list", "GET /catalog/services", "GET /catalog/instances",
            "GET /operator/metrics", "GET /operator/servers", "GET /operator/switches", "PUT /operator/switches",
            "GET /raft/leader", "GET /raft/peer", "GET /raft/state"};
        String[] names = {"serviceName", "groupName", "namespaceId", "clusterName", "cluster", "clusters", "ip", "port",
            "weight", "healthy", "enabled", "enable", "ephemeral", "metadata", "beat", "pageNo", "pageSize",
            "protectThreshold", "selector", "udpPort", "clientIP", "healthyOnly", "entry", "value"};
        String[] values = {"", " ", "orders", "DEFAULT_GROUP@@orders", "a@@b@@c", "10.0.0.1", "::1", "-1", "0",
            "65536", "99999999999999999999", "NaN", "1e309", "true", "yes", "{}", "{\"a\":1}", "[1]", "{\"type\":\"x\"}",
            "k=v,", "=", "..", "/", "%", "\u00e9\u4e2d", "null", "DEFAULT", "a,b"};
        Random random = new Random(42);
        for (int i = 0; i < 400; i++) {
            String[] route = routes[random.nextInt(routes.length)].split(" ");
            StringBuilder query = new StringBuilder();
            for (int p = random.nextInt(6); p >= 0; p--) {
                query.append(query.length() == 0 ? "?" : "&").append(names[random.nextInt(names.length)]).append('=')
                        .append(encoded(values[random.nextInt(values.length)]));
            }
            ServerTestSupport.Answer answer = call(route[0], port, NS + route[1] + query, null);
            assertThat(answer.status()).as("%s %s%s: %s", route[0], route[1], query, answer.body())
                    .isNotEqualTo(500).isBetween(200, 503);
        }
    }

    @Test
    void formBodiesAreReadOnEveryMethodAndABeatOfAnUnknownInstanceRegistersIt() throws Exception {
        int port = standalone(Map.of());
        expect(callForm("POST", port, NS + "/instance", "serviceName=orders&ip=10.0.0.1&port=8080"), 200, "ok");
        expect(callForm("PUT", port, NS + "/instance/beat?serviceName=DEFAULT_GROUP@@orders&ip=10.0.0.1&port=8080",
                ""), 200, "\"code\":10200");
        expect(call("PUT", port, NS + "/instance/beat?serviceName=DEFAULT_GROUP@@orders&ip=10.0.0.7&port=1", null),
                200, "\"code\":20404");
        String beat = "{\"ip\":\"10.0.0.7\",\"port\":1,\"serviceName\":\"DEFAULT_GROUP@@orders\",\"cluster\":"
                + "\"DEFAULT\",\"metadata\":{\"preserved.heart.beat.interval\":\"2000\"}}";
        expect(callForm("PUT", port, NS + "/instance/beat?serviceName=DEFAULT_GROUP@@orders",
                "beat=" + encoded(beat)), 200, "\"clientBeatInterval\":2000");
        expect(call("GET", port, NS + "/instance?serviceName=orders&ip=10.0.0.7&port=1", null), 200,
                "\"preserved.heart.beat.interval\":\"2000\"");
        expect(callForm("DELETE", port, NS + "/instance", "serviceName=orders&ip=10.0.0.1&port=8080"), 200, "ok");
        String list = call("GET", port, NS + "/instance/list?serviceName=DEFAULT_GROUP@@orders", null).body();
        assertThat(list).doesNotContain("10.0.0.1").contains("10.0.0.7");
    }

    @Test
    void withAuthenticationOnlyCallsWithAGoodTokenPass() throws Exception {
        int port = standalone(Map.of("beacon.auth.enabled", "true", "beacon.auth.users", "nacos:s3cret"));
        String list = NS + "/instance/list?serviceName=orders";
        expect(call("GET", port, list, null), 403, "unknown user!");
        expect(call("GET", port, list + "&accessToken=forged.x", null), 403, "token invalid!");
        expect(callForm("POST", port, "/nacos/v1/auth/users/login?username=nacos", "password=wrong"), 403,
                "unknown user!");
        ServerTestSupport.Answer login = callForm("POST", port, "/nacos/v1/auth/users/login?username=nacos",
                "password=s3cret");
        expect(login, 200, "\"tokenTtl\":18000");
        String token = login.body().replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
        expect(call("GET", port, list + "&accessToken=" + encoded(token), null), 200, "\"hosts\":[]");
        expect(call("POST", port, NS + "/instance?serviceName=orders&ip=10.0.0.1&port=1&accessToken="
                + encoded(token), null), 200, "ok");
        // Nacos 1.x let any request in that claimed to come from a server (CVE-2021-29441): not here.
        assertThat(ServerTestSupport.callWithHeader("GET", port, list, "User-Agent", "Nacos-Server").status())
                .isEqualTo(403);
    }
}
