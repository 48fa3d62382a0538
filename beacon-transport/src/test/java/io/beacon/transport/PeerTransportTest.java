package io.beacon.transport;

import com.google.protobuf.ByteString;
import io.beacon.raft.Entry;
import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.Message;
import io.beacon.transport.proto.Frame;
import io.beacon.transport.proto.Hello;
import io.beacon.transport.proto.Proof;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Peer transports talking over loopback: delivery, the handshake's refusals, bad bytes, reconnects, bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerTransportTest {
    private static final String SECRET = "the cluster secret, 32 bytes ok";
    private static final String CLUSTER = "test-cluster";

    private final List<PeerTransport> started = new ArrayList<>();

    /** A member's transport and what it heard. */
    /** received: the Raft messages and forwards that arrived, in the order they did. */
    private record Member(PeerTransport transport, BlockingQueue<Object> received, BlockingQueue<Long> lost) {
        InetSocketAddress address() {
            return transport.localAddress();
        }
    }

    private Member member(long id, TransportConfig config) throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        BlockingQueue<Long> lost = new LinkedBlockingQueue<>();
        PeerTransport transport = new PeerTransport(config, new PeerTransport.Listener() {
            @Override
            public void onMessage(Message message) {
                received.add(message);
            }

            @Override
            public void onForward(ForwardMessage message) {
                received.add(message);
            }

            @Override
            public void onPeerDisconnected(long memberId) {
                lost.add(memberId);
            }
        });
        transport.start();
        started.add(transport);
        return new Member(transport, received, lost);
    }

    private Member member(long id) throws Exception {
        return member(id, config(id, CLUSTER, SECRET, 0));
    }

    private static TransportConfig config(long id, String cluster, String secret, int port) {
        return TransportConfig.of(cluster, id, secret, new InetSocketAddress("127.0.0.1", port));
    }

    @AfterEach
    void stop() {
        started.forEach(PeerTransport::close);
    }

    @Test
    void messagesArriveInOrderBothWays() throws Exception {
        Member a = member(1);
        Member b = member(2);
        a.transport().addPeer(2, b.address());
        b.transport().addPeer(1, a.address());
        for (int round = 1; round <= 1000; round++) {
            assertThat(a.transport().send(new Heartbeat(3, 1, 2, round, round))).isTrue();
        }
        for (int round = 1; round <= 1000; round++) {
            Object message = b.received().poll(10, TimeUnit.SECONDS);
            assertThat(message).isEqualTo(new Heartbeat(3, 1, 2, round, round));
        }
        b.transport().send(new Heartbeat(3, 2, 1, 5, 5));
        assertThat(a.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(3, 2, 1, 5, 5));
        assertThat(a.transport().stats(2).connected()).isTrue();
        assertThat(a.transport().stats(2).sent()).isEqualTo(1000);
    }

    /**
     * A member bound to a specific address dials from it too, so that a firewall rule on a node's address cuts
     * both directions (127.0.0.2 and 127.0.0.3 are loopback addresses on Linux, with no set-up).
     */
    @Test
    void connectionsToPeersLeaveFromTheBoundAddress() throws Exception {
        Member a = member(1, TransportConfig.of(CLUSTER, 1, SECRET, new InetSocketAddress("127.0.0.2", 0)));
        try (ServerSocket answerer = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.3"))) {
            answerer.setSoTimeout(10_000);
            a.transport().addPeer(2, new InetSocketAddress("127.0.0.3", answerer.getLocalPort()));
            a.transport().send(new Heartbeat(3, 1, 2, 1, 1));
            try (Socket dialled = answerer.accept()) {
                assertThat(dialled.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
            }
        }
    }

    @Test
    void aForwardLeavesBehindTheRaftMessagesSentBeforeItAndItsAnswerComesBack() throws Exception {
        Member follower = member(1);
        Member leader = member(2);
        follower.transport().addPeer(2, leader.address());
        leader.transport().addPeer(1, follower.address());
        assertThat(follower.transport().send(new Heartbeat(3, 1, 2, 1, 1))).isTrue();
        assertThat(follower.transport().send(new ForwardMessage.Proposal(1, 2, 7, new byte[] {4, 2}))).isTrue();
        assertThat(leader.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(3, 1, 2, 1, 1));
        ForwardMessage.Proposal proposal = (ForwardMessage.Proposal) leader.received().poll(10, TimeUnit.SECONDS);
        assertThat(proposal.requestId()).isEqualTo(7);
        assertThat(proposal.command()).containsExactly(4, 2);

        leader.transport().send(new ForwardMessage.Accepted(2, 1, 7, 40, 3));
        AppendEntries append = new AppendEntries(3, 2, 1, 39, 3, List.of(Entry.command(40, 3, new byte[] {4, 2})), 0);
        leader.transport().send(append);
        assertThat(follower.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new ForwardMessage.Accepted(2, 1, 7, 40, 3));
        assertThat(follower.received().poll(10, TimeUnit.SECONDS)).isEqualTo(append);
    }

    @Test
    void aForwardClaimingAnotherSenderIsRefused() throws Exception {
        Member a = member(1);
        Member b = member(2);
        a.transport().addPeer(2, b.address());
        a.transport().send(new ForwardMessage.Refused(3, 2, 1, "forged", 0));
        assertThat(b.received().poll(1500, TimeUnit.MILLISECONDS)).as("nothing gets through").isNull();
    }

    @Test
    void aMemberNobodyAddedIsFoundThroughTheResolver() throws Exception {
        Member a = member(1);
        Member b = member(2002);
        a.transport().resolveAddressesWith(id -> id / 1000 == 2 ? b.address() : null);
        assertThat(a.transport().send(new Heartbeat(3, 1, 2002, 1, 1))).isTrue();
        assertThat(b.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(3, 1, 2002, 1, 1));
        assertThat(a.transport().send(new Heartbeat(3, 1, 9001, 1, 1))).as("unresolvable").isFalse();
    }

    @Test
    void largeAppendsArriveWhole() throws Exception {
        Member a = member(1);
        Member b = member(2);
        a.transport().addPeer(2, b.address());
        byte[] data = new byte[8 << 20];
        new Random(1).nextBytes(data);
        AppendEntries append = new AppendEntries(3, 1, 2, 0, 0, List.of(Entry.command(1, 3, data),
                Entry.command(2, 3, new byte[100])), 0);
        a.transport().send(append);
        assertThat(b.received().poll(20, TimeUnit.SECONDS)).isEqualTo(append);
    }

    @Test
    void aPeerWithTheWrongSecretIsRefusedAndTheClusterGoesOn() throws Exception {
        Member b = member(2);
        Member intruder = member(1, config(1, CLUSTER, "another secret of some length", 0));
        intruder.transport().addPeer(2, b.address());
        intruder.transport().send(new Heartbeat(99, 1, 2, 1, 1));
        assertThat(b.received().poll(1500, TimeUnit.MILLISECONDS)).as("nothing gets through").isNull();
        assertThat(intruder.transport().stats(2).connected()).isFalse();

        Member a = member(3);
        a.transport().addPeer(2, b.address());
        a.transport().send(new Heartbeat(3, 3, 2, 1, 1));
        assertThat(b.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(3, 3, 2, 1, 1));
    }

    @Test
    void aDiallerThatCannotProveTheSecretGetsNoMessageThrough() throws Exception {
        Member b = member(2);
        try (Socket socket = new Socket(b.address().getAddress(), b.address().getPort())) {
            socket.setSoTimeout(10_000);
            byte[] nonce = new byte[Handshake.NONCE_BYTES];
            writeFrame(socket, Frame.newBuilder().setHello(Hello.newBuilder()
                    .setProtocolVersion(Handshake.PROTOCOL_VERSION).setClusterId(CLUSTER).setMemberId(1)
                    .setExpectedMemberId(2).setNonce(ByteString.copyFrom(nonce))).build());
            Frame answer = readFrame(socket);
            assertThat(answer.hasHello()).isTrue();
            assertThat(answer.getHello().getProof().size()).isEqualTo(32);
            // A guess at the proof, then a message anyway.
            writeFrame(socket, Frame.newBuilder().setProof(Proof.newBuilder()
                    .setProof(ByteString.copyFrom(new byte[32]))).build());
            writeFrame(socket, Frame.newBuilder().setRaft(MessageCodec.encode(new Heartbeat(9, 1, 2, 1, 1))).build());
            Frame refusal = readFrame(socket);
            assertThat(refusal.getRefusal().getReason()).contains("did not prove it knows the cluster secret");
            assertThat(socket.getInputStream().read()).as("closed after the refusal").isEqualTo(-1);
        }
        assertThat(b.received().poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    private static void writeFrame(Socket socket, Frame frame) throws Exception {
        byte[] bytes = frame.toByteArray();
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.write(bytes);
        out.flush();
    }

    private static Frame readFrame(Socket socket) throws Exception {
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return Frame.parseFrom(bytes);
    }

    @Test
    void aPeerOfAnotherClusterIsRefused() throws Exception {
        Member b = member(2);
        Member stranger = member(1, config(1, "other-cluster", SECRET, 0));
        stranger.transport().addPeer(2, b.address());
        stranger.transport().send(new Heartbeat(99, 1, 2, 1, 1));
        assertThat(b.received().poll(1500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(stranger.transport().stats(2).connected()).isFalse();
    }

    @Test
    void aPeerAnsweringUnderAnotherMemberIdIsRefused() throws Exception {
        Member b = member(2);
        Member a = member(1);
        a.transport().addPeer(9, b.address());
        a.transport().send(new Heartbeat(3, 1, 9, 1, 1));
        assertThat(b.received().poll(1500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(a.transport().stats(9).connected()).isFalse();
    }

    @Test
    void garbageOnThePeerPortIsRefusedAndTheClusterGoesOn() throws Exception {
        Member b = member(2);
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0;
        garbage[1] = 0;
        garbage[2] = 1;
        garbage[3] = 0;
        assertThat(closedByPeer(b.address(), garbage)).as("garbage after a plausible length").isTrue();
        assertThat(closedByPeer(b.address(), ByteBuffer.allocate(4).putInt(1 << 30).array()))
                .as("a frame of 1 GiB announced").isTrue();
        assertThat(closedByPeer(b.address(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()))
                .as("somebody speaking HTTP").isTrue();

        Member a = member(1);
        a.transport().addPeer(2, b.address());
        a.transport().send(new Heartbeat(3, 1, 2, 1, 1));
        assertThat(b.received().poll(10, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(3, 1, 2, 1, 1));
    }

    @Test
    void aConnectionThatNeverShakesHandsIsClosed() throws Exception {
        TransportConfig quick = new TransportConfig(CLUSTER, 2, SECRET.getBytes(),
                new InetSocketAddress("127.0.0.1", 0), 1 << 20, 100, 1 << 20, Duration.ofMillis(50),
                Duration.ofSeconds(1), Duration.ofMillis(300));
        Member b = member(2, quick);
        assertThat(closedByPeer(b.address(), new byte[0])).isTrue();
    }

    @Test
    void aPeerThatGoesAwayIsReportedAndRedialledWhenItComesBack() throws Exception {
        Member a = member(1);
        Member b = member(2);
        int port = b.address().getPort();
        a.transport().addPeer(2, b.address());
        b.transport().addPeer(1, a.address());
        a.transport().send(new Heartbeat(3, 1, 2, 1, 1));
        b.transport().send(new Heartbeat(3, 2, 1, 1, 1));
        assertThat(b.received().poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(a.received().poll(10, TimeUnit.SECONDS)).isNotNull();

        b.transport().close();
        assertThat(a.lost().poll(10, TimeUnit.SECONDS)).as("the closed connections are noticed").isEqualTo(2L);

        Member b2 = member(2, config(2, CLUSTER, SECRET, port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Object got = null;
        for (int round = 2; got == null && System.nanoTime() < deadline; round++) {
            a.transport().send(new Heartbeat(3, 1, 2, round, round));
            got = b2.received().poll(200, TimeUnit.MILLISECONDS);
        }
        assertThat(got).as("a message reaches the restarted peer").isNotNull();
    }

    @Test
    void theQueueForAnUnreachablePeerIsBounded() throws Exception {
        Member a = member(1, config(1, CLUSTER, SECRET, 0).withQueueLimits(100, 64L << 20));
        int unusedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            unusedPort = probe.getLocalPort();
        }
        a.transport().addPeer(2, new InetSocketAddress("127.0.0.1", unusedPort));
        int accepted = 0;
        for (int i = 1; i <= 10_000; i++) {
            if (a.transport().send(new Heartbeat(3, 1, 2, i, i))) {
                accepted++;
            }
        }
        PeerStats stats = a.transport().stats(2);
        assertThat(accepted).isEqualTo(100);
        assertThat(stats.queuedMessages()).isEqualTo(100);
        assertThat(stats.dropped()).isEqualTo(9_900);
        assertThat(a.transport().send(new Heartbeat(3, 1, 7, 1, 1))).as("an unknown peer").isFalse();
    }

    @Test
    void aPeerThatStopsReadingCostsBoundedMemoryAndHoldsUpNobody() throws Exception {
        Member a = member(1, config(1, CLUSTER, SECRET, 0).withMaxFrameBytes(1 << 20)
                .withQueueLimits(100_000, 16L << 20));
        Member b = member(3);
        a.transport().addPeer(3, b.address());
        try (ServerSocket slow = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread answerer = new Thread(() -> shakeHandsThenStopReading(slow), "slow-peer");
            answerer.setDaemon(true);
            answerer.start();
            a.transport().addPeer(2, new InetSocketAddress("127.0.0.1", slow.getLocalPort()));
            byte[] chunk = new byte[64 << 10];
            int dropped = 0;
            for (int i = 1; i <= 2000; i++) {
                AppendEntries append = new AppendEntries(3, 1, 2, i - 1, 3, List.of(Entry.command(i, 3, chunk)), 0);
                if (!a.transport().send(append)) {
                    dropped++;
                }
                if (i % 100 == 0) {
                    assertThat(a.transport().send(new Heartbeat(3, 1, 3, i, i))).isTrue();
                }
            }
            for (int i = 100; i <= 2000; i += 100) {
                assertThat(b.received().poll(10, TimeUnit.SECONDS)).as("the healthy peer is served")
                        .isEqualTo(new Heartbeat(3, 1, 3, i, i));
            }
            PeerStats stats = a.transport().stats(2);
            assertThat(dropped).as("a full queue drops").isPositive();
            assertThat(stats.queuedBytes()).isLessThanOrEqualTo(16L << 20);
            assertThat(stats.dropped()).isEqualTo(dropped);
        }
    }

    /** Plays member 2 correctly up to the end of the handshake, then never reads again. */
    private static void shakeHandsThenStopReading(ServerSocket server) {
        try (Socket socket = server.accept()) {
            Frame hello = readFrame(socket);
            byte[] nonce = Handshake.nonce();
            byte[] proof = new Handshake(config(2, CLUSTER, SECRET, 0)).answererProof(1, 2,
                    hello.getHello().getNonce().toByteArray(), nonce);
            writeFrame(socket, Frame.newBuilder().setHello(Hello.newBuilder()
                    .setProtocolVersion(Handshake.PROTOCOL_VERSION).setClusterId(CLUSTER).setMemberId(2)
                    .setNonce(ByteString.copyFrom(nonce)).setProof(ByteString.copyFrom(proof))).build());
            readFrame(socket);
            Thread.sleep(60_000);
        } catch (Exception e) {
            // the test is over
        }
    }

    /** Connects, writes bytes, and says whether the peer closed the connection within 10 s. */
    private static boolean closedByPeer(InetSocketAddress address, byte[] bytes) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            while (true) {
                int read;
                try {
                    read = in.read(buffer);
                } catch (java.net.SocketException reset) {
                    return true;
                }
                if (read < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
