package io.beacon.raft;

import java.util.List;

/**
 * Settings of one {@link RaftNode}. Time is counted in ticks: the runtime calls {@link RaftNode#tick()} at a
 * fixed interval (50 ms by default in Beacon), so the defaults give a heartbeat every 100 ms and an election
 * timeout drawn from [500, 1000) ms.
 *
 * @param id                   this node's id, positive
 * @param voters               ids of the voting members of the initial configuration, this node included
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
 * @param maxInflightMessages  AppendEntries messages a leader keeps in flight to one follower
 * @param maxEntriesPerMessage entries one AppendEntries carries at most
 * @param maxBytesPerMessage   payload bytes one AppendEntries carries at most (at least one entry is always sent)
 * @param randomSeed           seeds the election timeout randomization; the core owns no other randomness
 */
public record RaftConfig(long id, List<Long> voters, int heartbeatTicks, int electionTicksMin, int electionTicksMax,
                         boolean preVote, boolean checkQuorum, int leaseTicks, int maxInflightMessages,
                         int maxEntriesPerMessage, int maxBytesPerMessage, long randomSeed) {

    public static final int DEFAULT_HEARTBEAT_TICKS = 2;
    public static final int DEFAULT_ELECTION_TICKS_MIN = 10;
    public static final int DEFAULT_ELECTION_TICKS_MAX = 20;

    public RaftConfig {
        voters = List.copyOf(voters);
        require(id > 0, "id must be positive");
        require(!voters.isEmpty(), "voters must not be empty");
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
    }

    /** Beacon's defaults for a node with this id in a cluster of these voters. */
    public static RaftConfig defaults(long id, List<Long> voters) {
        return new RaftConfig(id, voters, DEFAULT_HEARTBEAT_TICKS, DEFAULT_ELECTION_TICKS_MIN,
                DEFAULT_ELECTION_TICKS_MAX, true, true, 0, 256, 4096, 1 << 20, id);
    }

    public RaftConfig withTimeouts(int heartbeat, int electionMin, int electionMax) {
        return new RaftConfig(id, voters, heartbeat, electionMin, electionMax, preVote, checkQuorum, leaseTicks,
                maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, randomSeed);
    }

    public RaftConfig withPreVote(boolean enabled) {
        return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, enabled, checkQuorum,
                leaseTicks, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, randomSeed);
    }

    public RaftConfig withCheckQuorum(boolean enabled) {
        return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, preVote, enabled,
                enabled ? leaseTicks : 0, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, randomSeed);
    }

    public RaftConfig withLeaseTicks(int ticks) {
        return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, preVote, checkQuorum,
                ticks, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, randomSeed);
    }

    public RaftConfig withFlowControl(int inflightMessages, int entriesPerMessage, int bytesPerMessage) {
        return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, preVote, checkQuorum,
                leaseTicks, inflightMessages, entriesPerMessage, bytesPerMessage, randomSeed);
    }

    public RaftConfig withRandomSeed(long seed) {
        return new RaftConfig(id, voters, heartbeatTicks, electionTicksMin, electionTicksMax, preVote, checkQuorum,
                leaseTicks, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage, seed);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid Raft configuration: " + message);
        }
    }
}
