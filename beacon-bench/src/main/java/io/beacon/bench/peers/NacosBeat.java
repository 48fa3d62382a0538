package io.beacon.bench.peers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * A model of the Raft heartbeat of Nacos 1.1.4, built byte for byte from its wire format, to put a figure on the
 * traffic between the nodes of a Nacos cluster that sits idle with N services registered.
 *
 * <h2>What is modelled</h2>
 * <ul>
 *   <li><b>Data set.</b> N services {@code service-1} to {@code service-N} in namespace {@code public}, group
 *       {@code DEFAULT_GROUP}, each created by a persistent registration. Each owns two Raft keys: its meta data
 *       (written once, so its counter is 1) and its persistent instance list (written again at every
 *       registration: service i has 1 + i mod 3 instances, so its counter is 1, 2 or 3). Plus the switch key,
 *       written once. Nacos's per-key "timestamp" is that counter, not a clock.</li>
 *   <li><b>Order.</b> The leader lists its datums in the iteration order of its {@link ConcurrentHashMap}, which
 *       is the order of the hashes, not of the names; the model iterates a map of the same kind, as the order
 *       changes how well gzip compresses.</li>
 *   <li><b>Packet.</b> {@code {"peer":<leader RaftPeer>,"datums":[{"key":<brief key>,"timestamp":n},...]}}
 *       with every datum, the keys in brief form ({@link NacosKeys#brief}). The RaftPeer has the fields
 *       {@code heartbeatDueMs, ip, leaderDueMs, state, term, voteFor}, in the alphabetical order fastjson writes
 *       bean fields in; the packet and each datum are hash maps, written in {@link HashMap} order as fastjson's
 *       JSONObject would. Field order does not change the raw size.</li>
 *   <li><b>Peer values.</b> Nodes {@value #LEADER}, {@code 10.0.0.2:8848}, {@code 10.0.0.3:8848}. The leader
 *       has just re-armed its heartbeat due ({@value #HEARTBEAT_DUE_MS}) and its leader due (15 000 ms plus a
 *       random part below 5 000; the midpoint {@value #LEADER_DUE_MS} is used). Its term is one election plus
 *       {@value #TERM_PER_WRITE} per applied write, each counter value standing for one write.</li>
 *   <li><b>Body.</b> The packet serialised to a string and wrapped as {@code {"beat":"<that string>"}}, so every
 *       quote inside is escaped; that text in UTF-8 is gzipped with {@link GZIPOutputStream} at its defaults (the
 *       default deflate level), exactly as Nacos's {@code sendBeat} does. Jackson stands in for fastjson; both
 *       write compact JSON and escape only the quote here.</li>
 *   <li><b>HTTP.</b> The request head and the followers' 200 reply ({@link NacosHttp}): each follower answers
 *       with its own RaftPeer JSON (state FOLLOWER, voting for the leader, same term, dues just re-armed).</li>
 *   <li><b>Rate.</b> One beat every {@value #HEARTBEAT_DUE_MS} ms from the leader to each of the
 *       {@value #FOLLOWERS} followers of a three-node cluster: bytes/s = (request + reply) &times; followers / 5 s,
 *       counting both directions.</li>
 * </ul>
 *
 * <h2>What is not</h2>
 * <ul>
 *   <li>TCP/IP and link-layer headers, TCP acknowledgements and connection set-up: the figures are HTTP bytes,
 *       i.e. TCP payload. Beacon's own measurement counts TCP payload bytes too, so the two compare like for
 *       like.</li>
 *   <li>The follower's {@code GET /v1/ns/raft/datum} fetches, which happen only when a follower is behind; an idle,
 *       synchronised cluster sends none.</li>
 *   <li>Traffic outside Raft: Distro synchronisation of ephemeral instances, server status reports, client
 *       heartbeats and pushes.</li>
 *   <li>Elections, and the {@code sendBeatOnly} switch (an empty datum list).</li>
 * </ul>
 */
public final class NacosBeat {
    /** The period of both Raft timers, in ms. */
    public static final long TICK_MS = 500;
    /** Time between two beats of a leader, in ms (re-armed without jitter). */
    public static final long HEARTBEAT_DUE_MS = 5_000;
    /** Fixed part of the election timeout, in ms. */
    public static final long LEADER_DUE_BASE_MS = 15_000;
    /** Bound of the random part of the election timeout, in ms. */
    public static final long LEADER_DUE_JITTER_MS = 5_000;
    /** The election timeout used for the peers in the packet: the midpoint of its range. */
    public static final long LEADER_DUE_MS = LEADER_DUE_BASE_MS + LEADER_DUE_JITTER_MS / 2;
    /** How much Nacos raises a node's term for each write it applies. */
    public static final long TERM_PER_WRITE = 100;
    /** Followers of the three-node cluster modelled. */
    public static final int FOLLOWERS = 2;
    /** The leader's {@code ip:port}. */
    public static final String LEADER = "10.0.0.1:8848";
    private static final List<String> FOLLOWER_ADDRESSES = List.of("10.0.0.2:8848", "10.0.0.3:8848");

    private static final ObjectMapper JSON = new ObjectMapper();

    private NacosBeat() {
    }

    /**
     * One heartbeat for a data set of the given number of services.
     *
     * @param services   the number of services
     * @param datums     how many datums the packet lists (2 per service plus the switch)
     * @param term       the leader's term in the packet
     * @param packetJson the packet, {@code {"peer":...,"datums":[...]}}
     * @param bodyJson   the text that is gzipped, {@code {"beat":"<packet as a string>"}}
     * @param gzipped    the body of the HTTP request
     */
    public record Beat(int services, int datums, long term, String packetJson, String bodyJson, byte[] gzipped) {
    }

    /**
     * The sizes of one heartbeat and the rate they make between the nodes of a three-node cluster.
     *
     * @param services        the number of services
     * @param datums          datums listed in each beat
     * @param packetJsonBytes the packet JSON before it is wrapped in {@code {"beat":...}}
     * @param rawJsonBytes    the wrapped, double-encoded JSON that is gzipped
     * @param gzippedBytes    the gzipped request body
     * @param requestHeadBytes the request line and headers of one beat ({@link NacosHttp#beatRequestHead})
     * @param requestBytes    one beat on the wire to one follower: head plus gzipped body
     * @param replyBytes      one follower's 200 reply: status line, headers and its chunked RaftPeer JSON
     * @param bytesPerSecond  both directions together: (request + reply) &times; followers / heartbeat period
     */
    public record Figures(int services, int datums, int packetJsonBytes, int rawJsonBytes, int gzippedBytes,
            int requestHeadBytes, int requestBytes, int replyBytes, double bytesPerSecond) {
    }

    /** The heartbeat the leader sends for a data set of the given number of services. */
    public static Beat beat(int services) {
        if (services < 0) {
            throw new IllegalArgumentException("services < 0: " + services);
        }
        Map<String, Long> datums = datums(services);
        long term = term(datums);
        List<Map<String, Object>> listed = new ArrayList<>(datums.size());
        for (Map.Entry<String, Long> datum : datums.entrySet()) {
            Map<String, Object> element = new HashMap<>();
            element.put("key", NacosKeys.brief(datum.getKey()));
            element.put("timestamp", datum.getValue());
            listed.add(element);
        }
        Map<String, Object> packet = new HashMap<>();
        packet.put("peer", peer(LEADER, LEADER, term, "LEADER"));
        packet.put("datums", listed);
        String packetJson = write(packet);
        Map<String, String> wrapper = new HashMap<>(1);
        wrapper.put("beat", packetJson);
        String bodyJson = write(wrapper);
        return new Beat(services, datums.size(), term, packetJson, bodyJson, gzip(bodyJson));
    }

    /** The figures for a data set of the given number of services. */
    public static Figures of(int services) {
        Beat beat = beat(services);
        int gzipped = beat.gzipped().length;
        int requestHead = NacosHttp.headBytes(NacosHttp.beatRequestHead(FOLLOWER_ADDRESSES.get(0), gzipped));
        int request = requestHead + gzipped;
        int reply = replyBytes(FOLLOWER_ADDRESSES.get(0), beat.term());
        double perSecond = (double) (request + reply) * FOLLOWERS * 1000 / HEARTBEAT_DUE_MS;
        return new Figures(services, beat.datums(), utf8(beat.packetJson()), utf8(beat.bodyJson()), gzipped,
                requestHead, request, reply, perSecond);
    }

    /** Prints the figures for 1,000, 10,000 and 100,000 services. */
    public static void main(String[] args) {
        System.out.println("Nacos 1.1.4 Raft heartbeat, 3 nodes: one beat every " + HEARTBEAT_DUE_MS
                + " ms from the leader to each of " + FOLLOWERS
                + " followers (HTTP bytes, TCP/IP headers not counted)");
        String format = "%9s %9s %12s %12s %11s %8s %11s %7s %13s%n";
        System.out.printf(Locale.ROOT, format, "services", "datums", "packet JSON", "raw JSON", "gzipped",
                "req head", "request", "reply", "bytes/s");
        for (int services : new int[] {1_000, 10_000, 100_000}) {
            Figures f = of(services);
            System.out.printf(Locale.ROOT, format, group(f.services()), group(f.datums()),
                    group(f.packetJsonBytes()), group(f.rawJsonBytes()), group(f.gzippedBytes()),
                    group(f.requestHeadBytes()), group(f.requestBytes()), group(f.replyBytes()),
                    group(Math.round(f.bytesPerSecond())));
        }
    }

    /** The leader's datums, full key to counter, in a map of the kind Nacos keeps them in. */
    static Map<String, Long> datums(int services) {
        Map<String, Long> datums = new ConcurrentHashMap<>();
        datums.put(NacosKeys.SWITCH_KEY, 1L);
        for (int i = 1; i <= services; i++) {
            String name = serviceName(i);
            datums.put(NacosKeys.serviceMetaKey(name), 1L);
            datums.put(NacosKeys.instanceListKey(name), instances(i));
        }
        return datums;
    }

    /** The name of the i-th service, counting from 1. */
    static String serviceName(int i) {
        return "service-" + i;
    }

    /** How many persistent instances service i has, each registration one write of its instance list. */
    static long instances(int i) {
        return 1 + i % 3;
    }

    /** One election, plus the rise of every write applied: each counter value stands for one write. */
    static long term(Map<String, Long> datums) {
        long writes = 0;
        for (long counter : datums.values()) {
            writes += counter;
        }
        return 1 + TERM_PER_WRITE * writes;
    }

    /** A RaftPeer as fastjson writes it: fields in alphabetical order. */
    static Map<String, Object> peer(String ip, String voteFor, long term, String state) {
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("heartbeatDueMs", HEARTBEAT_DUE_MS);
        peer.put("ip", ip);
        peer.put("leaderDueMs", LEADER_DUE_MS);
        peer.put("state", state);
        peer.put("term", term);
        peer.put("voteFor", voteFor);
        return peer;
    }

    private static int replyBytes(String follower, long term) {
        int body = utf8(write(peer(follower, LEADER, term, "FOLLOWER")));
        return NacosHttp.headBytes(NacosHttp.beatReplyHead()) + NacosHttp.chunkedBytes(body);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String group(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
