package io.beacon.server.nacos;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Nacos-style authentication: {@code POST /v1/auth/users/login} trades a configured user's name and password for
 * an access token, and, when authentication is enabled, every other call must carry a valid {@code accessToken}.
 * A token is the user and its expiry, signed with HMAC-SHA256 under a key derived from the cluster secret, so a
 * token from any server of the cluster is good on all of them and nothing needs replicating. Nothing is trusted
 * because of a header (Nacos CVE-2021-29441 let any request in that said {@code User-Agent: Nacos-Server}).
 */
public final class NacosAuth {
    /** Why a call is refused, in Nacos's words. */
    public static final String UNKNOWN_USER = "unknown user!";
    public static final String TOKEN_INVALID = "token invalid!";
    public static final String TOKEN_EXPIRED = "token expired!";

    private final boolean enabled;
    private final Map<String, byte[]> passwordDigests = new TreeMap<>();
    private final byte[] tokenKey;
    private final long tokenTtlSeconds;

    /**
     * @param users name → password of the users that may log in
     * @param clusterSecret the cluster's shared secret, from which the token key is derived
     */
    public NacosAuth(boolean enabled, Map<String, String> users, String clusterSecret, long tokenTtlSeconds) {
        this.enabled = enabled;
        users.forEach((name, password) -> passwordDigests.put(name, sha256(password)));
        this.tokenKey = hmac(clusterSecret.getBytes(StandardCharsets.UTF_8),
                "beacon nacos access token key".getBytes(StandardCharsets.UTF_8));
        this.tokenTtlSeconds = tokenTtlSeconds;
    }

    public boolean enabled() {
        return enabled;
    }

    public long tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    /** A token for the user if the password is theirs, else null. */
    public String login(String username, String password, long nowEpochSeconds) {
        byte[] expected = username == null ? null : passwordDigests.get(username);
        if (expected == null || password == null || !MessageDigest.isEqual(expected, sha256(password))) {
            return null;
        }
        String payload = username + ":" + (nowEpochSeconds + tokenTtlSeconds);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(hmac(tokenKey, payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** Null if the call may go on (authentication off, or a good token), else the reason it may not. */
    public String refusal(String accessToken, long nowEpochSeconds) {
        if (!enabled) {
            return null;
        }
        if (accessToken == null || accessToken.isEmpty()) {
            return UNKNOWN_USER;
        }
        int dot = accessToken.indexOf('.');
        if (dot <= 0) {
            return TOKEN_INVALID;
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(accessToken.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(accessToken.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return TOKEN_INVALID;
        }
        if (!MessageDigest.isEqual(signature, hmac(tokenKey, payload))) {
            return TOKEN_INVALID;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        int colon = text.lastIndexOf(':');
        long expires;
        try {
            expires = Long.parseLong(text.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return TOKEN_INVALID;
        }
        if (!passwordDigests.containsKey(text.substring(0, colon))) {
            return UNKNOWN_USER; // a user removed from the configuration since
        }
        return nowEpochSeconds >= expires ? TOKEN_EXPIRED : null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
