package io.beacon.server.nacos;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NacosAuthTest {
    private static final String SECRET = "the cluster secret of this test";
    private final NacosAuth auth = new NacosAuth(true, Map.of("nacos", "s3cret"), SECRET, 100);

    @Test
    void aTokenFromLoginIsGoodOnEveryServerOfTheClusterUntilItExpires() {
        String token = auth.login("nacos", "s3cret", 1_000);
        assertThat(token).isNotNull();
        NacosAuth anotherServer = new NacosAuth(true, Map.of("nacos", "s3cret"), SECRET, 100);
        assertThat(anotherServer.refusal(token, 1_050)).isNull();
        assertThat(auth.refusal(token, 1_100)).isEqualTo(NacosAuth.TOKEN_EXPIRED);
    }

    @Test
    void aWrongPasswordOrUnknownUserGetsNoToken() {
        assertThat(auth.login("nacos", "guess", 0)).isNull();
        assertThat(auth.login("root", "s3cret", 0)).isNull();
        assertThat(auth.login(null, null, 0)).isNull();
    }

    @Test
    void aMissingForgedOrForeignTokenIsRefused() {
        assertThat(auth.refusal(null, 0)).isEqualTo(NacosAuth.UNKNOWN_USER);
        assertThat(auth.refusal("", 0)).isEqualTo(NacosAuth.UNKNOWN_USER);
        assertThat(auth.refusal("garbage", 0)).isEqualTo(NacosAuth.TOKEN_INVALID);
        assertThat(auth.refusal("!!.??", 0)).isEqualTo(NacosAuth.TOKEN_INVALID);
        String token = auth.login("nacos", "s3cret", 0);
        String forged = token.substring(0, token.indexOf('.') + 1) + "AAAA" + token.substring(token.indexOf('.') + 5);
        assertThat(auth.refusal(forged, 1)).isEqualTo(NacosAuth.TOKEN_INVALID);
        NacosAuth otherCluster = new NacosAuth(true, Map.of("nacos", "s3cret"), "another cluster's secret!", 100);
        assertThat(otherCluster.refusal(token, 1)).isEqualTo(NacosAuth.TOKEN_INVALID);
        NacosAuth userRemoved = new NacosAuth(true, Map.of("admin", "x"), SECRET, 100);
        assertThat(userRemoved.refusal(token, 1)).isEqualTo(NacosAuth.UNKNOWN_USER);
    }

    @Test
    void withAuthenticationOffNothingIsRefused() {
        NacosAuth off = new NacosAuth(false, Map.of(), SECRET, 100);
        assertThat(off.refusal(null, 0)).isNull();
    }
}
