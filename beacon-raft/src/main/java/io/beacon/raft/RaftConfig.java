package io.beacon.raft;

import java.util.List;

/**
 * Settings of one {@link RaftNode}. Time is counted in ticks: the runtime calls {@link RaftNode#tick()} at a
 * fixed interval (50 ms by default in Beacon), so the defaults give a heartbeat every 100 ms and an election
 * timeout drawn from [500, 1000) ms.
 *
 * @param id                   this node's member id, positive (it names one incarnation of a server)
 * @param voters               the voters of the cluster's first configuration, used only while the log and the
 *                             snapshot hold none; empty for a node that joins an existing cluster
 * @param heartbeatTicks       ticks between two heartbeats of a leader
 * @param electionTicksMin     lower bound of the randomized election timeout; also the period within which a
 *                             leader must hear from a majority (check-quorum) and within which a follower that
 *                             heard from a leader refuses to vote for anyone else
 * @param electionTicksMax     upper bound (exclusive) of the randomized election timeout
 * @param preVote              ask for pre-votes before raising the term (§9.6)
 * @param checkQuorum          a leader steps down when it has not heard from a majority for an election timeout
 * @param leaseTicks           0 (the default) serves every linearizable read with a ReadIndex heartbeat round;
 *                             a positive value lets a leader answer reads from its lease for this many ticks
 *                             after a heartbeat round a majority acknowledged — safe only while the tick rates
 *                             of the nodes differ by less than the margin electionTicksMin - leaseTicks leaves
 * @param maxInflightMessages  AppendEntries messages a leader keeps in flight to one follower; with 1 the leader
 *                             sends the next batch when the last is acknowledged (Beacon's server does, see
 *                             {@code beacon.replication.inflight}), so under load each message carries
 *                             everything proposed meanwhile
 * @param maxEntriesPerMessage entries one AppendEntries carries at most
 * @param maxBytesPerMessage   payload bytes one AppendEntries carries at most (at least one entry is always sent)
 * @param randomSeed           seeds the election timeout randomization; the core owns no other randomness
 * @param snapshotEntries      ask the runtime for a snapshot once this many entries were applied since the last
 * @param snapshotBytes        ... or once this many bytes of entries were
 * @param logTailEntries       entries kept below a snapshot, so slightly lagging followers catch up from the log
 * @param snapshotChunkBytes   size of one InstallSnapshot chunk
 */
public record RaftConfig(long id, List<Long> voters, int heartbeatTicks, int electionTicksMin, int electionTicksMax,
                         boolean preVote, boolean checkQuorum, int leaseTicks, int maxInflightMessages,
                         int maxEntriesPerMessage, int maxBytesPerMessage, long randomSeed, long snapshotEntries,
                         long snapshotBytes, long logTailEntries, int snapshotChunkBytes) {

    public static final int DEFAULT_HEARTBEAT_TICKS = 2;
    public static final int DEFAULT_ELECTION_TICKS_MIN = 10;
    public static final int DEFAULT_ELECTION_TICKS_MAX = 20;

    public RaftConfig {
        voters = List.copyOf(voters);
        require(id > 0, "id must be positive");
        require(voters.stream().allMatch(v -> v > 0), "voter ids must be positive");
        require(voters.stream().distinct().count() == voters.size(), "voter ids must be distinct");
        require(heartbeatTicks > 0, "heartbeatTicks must be positive");
        require(electionTicksMin > heartbeatTicks, "electionTicksMin must exceed heartbeatTicks");
        require(electionTicksMax > electionTicksMin, "electionTicksMax must exceed electionTicksMin");
        require(leaseTicks >= 0 && leaseTicks < electionTicksMin, "leaseTicks must be in [0, electionTicksMin)");
        require(leaseTicks == 0 || checkQuorum, "lease reads need checkQuorum");
        require(maxInflightMessages > 0, "maxInflightMessages must be positive");
        require(maxEntriesPerMessage > 0, "maxEntriesPerMessage must be positive");
        require(maxBytesPerMessage > 0, "maxBytesPerMessage must be positive");
        require(snapshotEntries > 0, "snapshotEntries must be positive");
        require(snapshotBytes > 0, "snapshotBytes must be positive");
        require(logTailEntries >= 0, "logTailEntries must not be negative");
        require(snapshotChunkBytes > 0, "snapshotChunkBytes must be positive");
    }

    /** Beacon's defaults for a node with this id in a cluster of these voters. */
    public static RaftConfig defaults(long id, List<Long> voters) {
        return new RaftConfig(id, voters, DEFAULT_HEARTBEAT_TICKS, DEFAULT_ELECTION_TICKS_MIN,
                DEFAULT_ELECTION_TICKS_MAX, true, true, 0, 256, 4096, 1 << 20, id, 10_000, 64L << 20, 1_000, 1 << 20);
    }

    /** The same settings for another member: a server's next incarnation, or a server joining the cluster. */
    public RaftConfig withMember(long memberId, List<Long> initialVoters) {
        return toBuilder().member(memberId, initialVoters).build();
    }

    public RaftConfig withTimeouts(int heartbeat, int electionMin, int electionMax) {
        return toBuilder().timeouts(heartbeat, electionMin, electionMax).build();
    }

    public RaftConfig withPreVote(boolean enabled) {
        return toBuilder().preVote(enabled).build();
    }

    /** Turning check-quorum off also turns lease reads off, which depend on it. */
    public RaftConfig withCheckQuorum(boolean enabled) {
        return toBuilder().checkQuorum(enabled).leaseTicks(enabled ? leaseTicks : 0).build();
    }

    public RaftConfig withLeaseTicks(int ticks) {
        return toBuilder().leaseTicks(ticks).build();
    }

    public RaftConfig withFlowControl(int inflightMessages, int entriesPerMessage, int bytesPerMessage) {
        return toBuilder().flowControl(inflightMessages, entriesPerMessage, bytesPerMessage).build();
    }

    public RaftConfig withRandomSeed(long seed) {
        return toBuilder().randomSeed(seed).build();
    }

    public RaftConfig withSnapshots(long entries, long bytes, long tailEntries, int chunkBytes) {
        return toBuilder().snapshots(entries, bytes, tailEntries, chunkBytes).build();
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid Raft configuration: " + message);
        }
    }

    /** Copies a configuration with some settings changed. */
    private static final class Builder {
        private long id;
        private List<Long> voters;
        private int heartbeatTicks;
        private int electionTicksMin;
        private int electionTicksMax;
        private boolean preVote;
        private boolean checkQuorum;
        private int leaseTicks;
        private int maxInflightMessages;
        private int maxEntriesPerMessage;
        private int maxBytesPerMessage;
        private long randomSeed;
        private long snapshotEntries;
        private long snapshotBytes;
        private long logTailEntries;
        private int snapshotChunkBytes;

        Builder(RaftConfig from) {
            id = from.id;
            voters = from.voters;
            heartbeatTicks = from.heartbeatTicks;
            electionTicksMin = from.electionTicksMin;
            electionTicksMax = from.electionTicksMax;
            preVote = from.preVote;
            checkQuorum = from.checkQuorum;
            leaseTicks = from.leaseTicks;
            maxInflightMessages = from.maxInflightMessages;
            maxEntriesPerMessage = from.maxEntriesPerMessage;
            maxBytesPerMessage = from.maxBytesPerMessage;
            randomSeed = from.randomSeed;
            snapshotEntries = from.snapshotEntries;
            snapshotBytes = from.snapshotBytes;
            logTailEntries = from.logTailEntries;
            snapshotChunkBytes = from.snapshotChunkBytes;
        }

        Builder member(long memberId, List<Long> initialVoters) {
            id = memberId;
            voters = initialVoters;
            return this;
        }

        Builder timeouts(int heartbeat, int electionMin, int electionMax) {
            heartbeatTicks = heartbeat;
            electionTicksMin = electionMin;
            electionTicksMax = electionMax;
            return this;
        }

        Builder preVote(boolean enabled) {
            preVote = enabled;
            return this;
        }

        Builder checkQuorum(boolean enabled) {
            checkQuorum = enabled;
            return this;
        }

        Builder leaseTicks(int ticks) {
            leaseTicks = ticks;
            return this;
        }

        Builder flowControl(int inflight, int entries, int bytes) {
            maxInflightMessages = inflight;
            maxEntriesPerMessage = entries;
            maxBytesPerMessage = bytes;
            return this;
        }

        Builder randomSeed(long seed) {
            randomSeed = seed;
            return this;
        }

        Builder snapshots(long entries, long bytes, long tail, int chunk) {
            snapshotEntries = entries;
            snapshotBytes = bytes;
            logTailEntries = tail;
            snapshotChunkBytes = chunk;
            return this;
        }

        RaftConfig build() {
            return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, preVote, checkQuorum,
                    leaseTicks, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, randomSeed,
                    snapshotEntries, snapshotBytes, logTailEntries, snapshotChunkBytes);
        }
    }
}
