package io.beacon.transport;

import io.beacon.transport.proto.Hello;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The handshake's arithmetic, apart from any socket. The dialler says Hello with a fresh nonce; the answerer says
 * Hello with its own nonce and a proof; the dialler checks that proof and sends its own. A proof is
 * HMAC-SHA256 under the cluster secret over the role, the protocol version, the cluster id, both member ids and
 * both nonces, so neither side's proof can be replayed on another connection or played back as the other side's.
 */
final class Handshake {
    static final int PROTOCOL_VERSION = 2;
    static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TransportConfig config;

    Handshake(TransportConfig config) {
        this.config = config;
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The proof the answering side gives, or expects from an answerer. */
    byte[] answererProof(long diallerId, long answererId, byte[] diallerNonce, byte[] answererNonce) {
        return proof("answerer", diallerId, answererId, diallerNonce, answererNonce);
    }

    /** The proof the dialling side gives, or expects from a dialler. */
    byte[] diallerProof(long diallerId, long answererId, byte[] diallerNonce, byte[] answererNonce) {
        return proof("dialler", diallerId, answererId, diallerNonce, answererNonce);
    }

    static boolean matches(byte[] expected, byte[] given) {
        return MessageDigest.isEqual(expected, given);
    }

    /** What is wrong with a peer's Hello for this member (null if nothing); nonce lengths are checked here too. */
    String problemWith(Hello hello, boolean fromDialler) {
        if (hello.getProtocolVersion() != PROTOCOL_VERSION) {
            return "protocol version " + hello.getProtocolVersion() + ", this member speaks " + PROTOCOL_VERSION;
        }
        if (!hello.getClusterId().equals(config.clusterId())) {
            return "cluster '" + hello.getClusterId() + "', this member belongs to '" + config.clusterId() + "'";
        }
        if (hello.getMemberId() <= 0 || hello.getMemberId() == config.memberId()) {
            return "member id " + hello.getMemberId() + " is not another member's";
        }
        if (fromDialler && hello.getExpectedMemberId() != config.memberId()) {
            return "it dialled member " + hello.getExpectedMemberId() + " but this is member " + config.memberId();
        }
        if (hello.getNonce().size() != NONCE_BYTES) {
            return "a nonce of " + hello.getNonce().size() + " bytes";
        }
        return null;
    }

    private byte[] proof(String role, long diallerId, long answererId, byte[] diallerNonce, byte[] answererNonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.secret(), "HmacSHA256"));
            mac.update(("beacon-peer " + role).getBytes(StandardCharsets.UTF_8));
            byte[] cluster = config.clusterId().getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(4 + 4 + cluster.length + 16).putInt(PROTOCOL_VERSION)
                    .putInt(cluster.length).put(cluster).putLong(diallerId).putLong(answererId).array());
            mac.update(diallerNonce);
            mac.update(answererNonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
