package io.beacon.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    private static final String SECRET = "0123456789abcdef-secret";

    @TempDir
    Path conf;

    private ServerConfig load(Map<String, String> environment, Properties system, Map<String, String> commandLine) {
        return ServerConfig.load(conf, environment, system, commandLine);
    }

    @Test
    void clusterConfInTheNacosFormatWithComments() throws Exception {
        Files.writeString(conf.resolve("cluster.conf"), """
                # the servers
                127.0.0.1:8848
                127.0.0.1:8849   # second

                127.0.0.1:8850
                """);
        Files.writeString(conf.resolve("beacon.properties"), "beacon.cluster.secret=" + SECRET + "\n");
        ServerConfig config = load(Map.of(), new Properties(), Map.of());
        assertThat(config.cluster()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 8848),
                InetSocketAddress.createUnresolved("127.0.0.1", 8849),
                InetSocketAddress.createUnresolved("127.0.0.1", 8850));
        assertThat(config.peerAddress().getPort()).isEqualTo(7848);
        assertThat(config.dataDirectory()).isEqualTo(Path.of("data"));
    }

    @Test
    void fileThenEnvironmentThenSystemPropertyThenCommandLine() throws Exception {
        Files.writeString(conf.resolve("beacon.properties"), "beacon.http.port=9000\nbeacon.standalone=true\n");
        assertThat(load(Map.of(), new Properties(), Map.of()).httpPort()).isEqualTo(9000);
        assertThat(load(Map.of("BEACON_HTTP_PORT", "9001"), new Properties(), Map.of()).httpPort()).isEqualTo(9001);
        Properties system = new Properties();
        system.setProperty("beacon.http.port", "9002");
        assertThat(load(Map.of("BEACON_HTTP_PORT", "9001"), system, Map.of()).httpPort()).isEqualTo(9002);
        assertThat(load(Map.of("BEACON_HTTP_PORT", "9001"), system, Map.of("beacon.http.port", "9003")).httpPort())
                .isEqualTo(9003);
    }

    @Test
    void standaloneNeedsNoClusterAndNoSecret() {
        ServerConfig config = load(Map.of(), new Properties(), Map.of("beacon.standalone", "true"));
        assertThat(config.standalone()).isTrue();
        assertThat(config.cluster()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 8848));
    }

    @Test
    void snapshotIntervalDefaultsToAHundredThousandEntriesAndRefusesTooFew() {
        assertThat(load(Map.of(), new Properties(), Map.of("beacon.standalone", "true")).snapshotEntries())
                .isEqualTo(100_000);
        assertThat(load(Map.of("BEACON_SNAPSHOT_ENTRIES", "5000"), new Properties(),
                Map.of("beacon.standalone", "true")).snapshotEntries()).isEqualTo(5000);
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.snapshot.entries", "50"))).hasMessageContaining("beacon.snapshot.entries");
    }

    @Test
    void replicationWindowDefaultsToOneMessageAndIsBounded() {
        assertThat(load(Map.of(), new Properties(), Map.of("beacon.standalone", "true")).replicationInflight())
                .isEqualTo(1);
        ServerConfig wide = load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.replication.inflight", "64", "beacon.snapshot.entries", "5000"));
        assertThat(wide.replicationInflight()).isEqualTo(64);
        // What the member's Raft core is given.
        assertThat(BeaconServer.raftConfig(wide).maxInflightMessages()).isEqualTo(64);
        assertThat(BeaconServer.raftConfig(wide).snapshotEntries()).isEqualTo(5000);
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.replication.inflight", "0"))).hasMessageContaining("beacon.replication.inflight");
    }

    @Test
    void authenticationUsersAndAStandaloneSecretNobodyCanGuess() {
        ServerConfig config = load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.auth.enabled", "true", "beacon.auth.users", "nacos:s3cret:with:colons, ops:pw"));
        assertThat(config.authEnabled()).isTrue();
        assertThat(config.authUsers()).containsEntry("nacos", "s3cret:with:colons").containsEntry("ops", "pw");
        assertThat(config.authTokenTtlSeconds()).isEqualTo(18000);
        ServerConfig another = load(Map.of(), new Properties(), Map.of("beacon.standalone", "true"));
        assertThat(config.secret()).as("it signs tokens: random, not a constant").hasSizeGreaterThanOrEqualTo(32)
                .isNotEqualTo(another.secret());
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain(config.secret());
    }

    @Test
    void eachMistakeSaysWhatToFix() throws Exception {
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of()))
                .hasMessageContaining("no cluster is configured");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.cluster", "127.0.0.1:8848")))
                .hasMessageContaining("beacon.cluster.secret must be set");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.cluster", "127.0.0.1:9999",
                "beacon.cluster.secret", SECRET)))
                .hasMessageContaining("this server (127.0.0.1:8848) is not among the cluster's servers");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.htp.port", "1")))
                .hasMessageContaining("unknown setting 'beacon.htp.port'");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "yes")))
                .hasMessageContaining("beacon.standalone must be true or false");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.http.port", "70000"))).hasMessageContaining("outside 1-65535");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.http.port", "500"))).hasMessageContaining("is not a port");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.auth.enabled", "true"))).hasMessageContaining("beacon.auth.users names nobody");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of("beacon.standalone", "true",
                "beacon.auth.users", "nacos"))).hasMessageContaining("'nacos' is not name:password");
        Files.writeString(conf.resolve("cluster.conf"), "127.0.0.1:8848\nnot-an-address\n");
        assertThatThrownBy(() -> load(Map.of(), new Properties(), Map.of()))
                .isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("cluster.conf line 2: 'not-an-address' is not ip:port");
    }

    @Test
    void theShippedConfigurationDirectoryLoadsAndItsExampleClusterParses() throws Exception {
        Path shipped = Path.of("..", "conf");
        ServerConfig config = ServerConfig.load(shipped, Map.of(), new Properties(), Map.of("beacon.standalone",
                "true"));
        assertThat(config.httpPort()).isEqualTo(8848);
        assertThat(ServerConfig.readClusterConf(shipped.resolve("cluster.conf.example")))
                .isEqualTo("127.0.0.1:8848,127.0.0.1:8849,127.0.0.1:8850");
    }
}
