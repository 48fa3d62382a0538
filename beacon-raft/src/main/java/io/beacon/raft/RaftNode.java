package io.beacon.raft;

import io.beacon.raft.ProposalRejectedException.Reason;
import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.InstallSnapshot;
import io.beacon.raft.message.InstallSnapshotResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.ReadIndexRequest;
import io.beacon.raft.message.ReadIndexResponse;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One Raft node as a pure state machine, in the style of etcd's raft library: the whole algorithm in one
 * place, one step function per role. It reads no clock, starts no thread, touches no file or socket and
 * iterates only ordered collections, so the same inputs always give the same outputs.
 *
 * <p>Inputs: {@link #tick()}, {@link #step(Message)}, {@link #propose(byte[])}, {@link #readIndex(long)},
 * {@link #transferLeadership(long)}, {@link #changeMembership(MembershipChange)}, {@link #snapshotTaken(long)},
 * {@link #snapshotChunk(SnapshotRead, byte[], boolean)} and {@link #connectionLost(long)}. Outputs: a {@link Ready}, taken with {@link #ready()}
 * and acknowledged with {@link #advance(Ready)} once its writes are durable. Not thread-safe: one thread owns a
 * node.
 *
 * <p>Section numbers refer to Ongaro's thesis, "Consensus: Bridging Theory and Practice" (2014).
 */
public final class RaftNode {
    /** The id of no node: no vote, no known leader. */
    public static final long NONE = 0;

    /** A follower that lost its leader's connection campaigns within this many ticks (randomized from 1). */
    public static final int FAST_CAMPAIGN_TICKS = 3;
    /**
     * After such a loss, this many campaigns in a row (a pre-vote round, an election that split the vote, ...)
     * wait between {@link #FAST_CAMPAIGN_TICKS} and twice that instead of an election timeout; hearing a leader
     * ends it. Never less: a round must outlast a vote's round trip, which includes the voter's fsync of its vote
     * (a candidate that gave up after one tick on a loaded machine abandoned votes already on their way).
     */
    static final int FAST_CAMPAIGN_ROUNDS = 5;

    private enum Campaign { PRE_VOTE, ELECTION, TRANSFER }

    private final long id;
    private final RaftConfig config;
    private final RaftLog log;
    private final SplittableRandom random;

    private long term;
    private long votedFor;
    private long leaderId;
    private Role role = Role.FOLLOWER;
    /** The configuration the node acted on last; compared after every log change. */
    private Configuration configuration;
    /** The latest snapshot this node has (taken or installed); index 0 if none. */
    private SnapshotMetadata snapshot;

    /** Follower and candidate: ticks since the last election or the last message of a current leader. */
    private int electionElapsed;
    /** Campaigns left that wait a short timeout, after the leader's connection was lost (0: normal timeouts). */
    private int fastCampaignRounds;
    /** Whether, since the leader's connection was lost, this follower put off its campaign for a pre-candidate's. */
    private boolean madeWayForPreCandidate;
    private int randomizedElectionTimeout;
    /** Candidate: the answers received in this election, by voter. */
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();
    /** Follower: reads forwarded to the leader and not answered yet, by context, in the order asked. */
    private final java.util.LinkedHashSet<Long> forwardedReads = new java.util.LinkedHashSet<>();
    /** Follower: the snapshot being received from the leader, and the bytes received so far. */
    private SnapshotMetadata receivingSnapshot;
    private long receivedBytes;

    /** Leader: what it knows of every other member. */
    private final TreeMap<Long, Progress> progress = new TreeMap<>();
    private int heartbeatElapsed;
    /** Leader: ticks since it became leader; the clock of its lease. */
    private long leaderTicks;
    /** Numbers heartbeat broadcasts; see {@link Heartbeat#round()}. */
    private long round;
    private final ReadIndexQueue reads = new ReadIndexQueue();
    private long leadTransferee = NONE;
    private int transferElapsed;
    /** A transfer may let another node win an election while this leader's lease runs; no lease reads after one. */
    private boolean transferAttemptedInTerm;
    private boolean appendBroadcastPending;
    private boolean heartbeatBroadcastPending;

    /** Entries and bytes applied since the last snapshot, and whether the runtime was asked for a new one. */
    private long bytesSinceSnapshot;
    private boolean snapshotRequested;

    // Output not yet taken by ready().
    private final ArrayList<Message> messages = new ArrayList<>();
    private final ArrayList<Message> messagesAfterPersist = new ArrayList<>();
    private final ArrayList<ReadState> readStates = new ArrayList<>();
    private final ArrayList<SnapshotRead> snapshotReads = new ArrayList<>();
    private final ArrayList<SnapshotChunk> snapshotChunks = new ArrayList<>();
    private HardState handedOutHardState;
    /** The term of the last hard state the runtime reported durable. */
    private long durableTerm;
    private long nextReadySequence;
    private long nextAdvanceSequence;

    /**
     * A node starting from what it persisted; its state machine restarts from the snapshot. A node with nothing
     * persisted and a non-empty {@link RaftConfig#voters()} bootstraps the cluster: its log begins with the first
     * configuration as entry 1 of term 1, committed, as on every other initial member. A node without voters
     * joins: it learns the configurations from the leader's log, from entry 1 on.
     */
    public RaftNode(RaftConfig config, PersistentState persisted) {
        this.id = config.id();
        this.config = config;
        // Before the log's first configuration entry, the configured voters are the configuration.
        this.snapshot = persisted.snapshot() != null ? persisted.snapshot()
                : new SnapshotMetadata(0, 0, Configuration.of(config.voters()));
        HardState hardState = persisted.hardState();
        boolean bootstrap = persisted.snapshot() == null && persisted.entries().isEmpty()
                && hardState.equals(HardState.INITIAL) && !config.voters().isEmpty();
        this.log = new RaftLog(snapshot, persisted.entries());
        if (bootstrap) {
            log.appendAsLeader(Entry.configuration(1, 1, Configuration.of(config.voters())));
            log.commitTo(1);
            hardState = new HardState(1, NONE);
        }
        this.random = new SplittableRandom(config.randomSeed());
        Checks.check(hardState.term() >= log.lastTerm(), "hard state term %d is below the log's last term %d",
                hardState.term(), log.lastTerm());
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.handedOutHardState = persisted.hardState();
        this.durableTerm = persisted.hardState().term();
        this.configuration = log.configuration();
        becomeFollower(term, NONE);
    }

    /** A brand-new node with nothing persisted. */
    public static RaftNode fresh(RaftConfig config) {
        return new RaftNode(config, PersistentState.EMPTY);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inputs

    /** One unit of time passed. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    /**
     * The runtime saw a connection to or from this member end — closed or reset, as when the peer's process dies,
     * never merely gone quiet. If that peer is the leader this follower knows, it forgets it and campaigns within
     * {@link #FAST_CAMPAIGN_TICKS} ticks instead of waiting out a whole election timeout. Pre-vote keeps this
     * safe: a leader that is in fact alive still holds the other followers, who refuse to vote while they hear
     * from it. Does nothing under lease reads, whose safety needs every follower to wait out its timeout.
     */
    public void connectionLost(long memberId) {
        if (role != Role.FOLLOWER || memberId != leaderId || leaderId == NONE || config.leaseTicks() > 0
                || !config.preVote()) {
            return;
        }
        leaderId = NONE;
        fastCampaignRounds = FAST_CAMPAIGN_ROUNDS;
        madeWayForPreCandidate = false;
        int remaining = 1 + random.nextInt(FAST_CAMPAIGN_TICKS);
        electionElapsed = Math.max(electionElapsed, randomizedElectionTimeout - remaining);
    }

    /**
     * Appends a command to the leader's log; it is replicated at the next {@link #ready()}, batched with every
     * other command proposed before it. Returns the index it was appended at, in the current {@link #term()};
     * the command took effect if and only if an entry with that index and term is later committed.
     *
     * @throws ProposalRejectedException if this node is not the leader or is transferring leadership
     */
    public long propose(byte[] command) {
        requireLeader();
        if (leadTransferee != NONE) {
            throw new ProposalRejectedException(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS, leaderId);
        }
        long index = log.lastIndex() + 1;
        log.appendAsLeader(Entry.command(index, term, command));
        appendBroadcastPending = true;
        return index;
    }

    /**
     * Asks for a linearizable read (§6.4). The answer comes back as a {@link ReadState} with this context in a
     * later {@link Ready}: on the leader after a heartbeat round confirms its leadership (shared by every read
     * asked for before the round), at once under a valid lease, or on a follower from the leader it asks.
     */
    public void readIndex(long context) {
        if (role == Role.LEADER) {
            leaderRead(context, id);
        } else if (leaderId != NONE) {
            forwardedReads.add(context);
            send(new ReadIndexRequest(term, id, leaderId, context));
        } else {
            readStates.add(ReadState.rejected(context));
        }
    }

    /**
     * Hands leadership to another voter (§3.10): the leader stops taking proposals, brings the target's log up
     * to date and then tells it to start an election at once. Gives up after an election timeout.
     */
    public void transferLeadership(long target) {
        requireLeader();
        if (!configuration.voters().contains(target)) {
            throw new IllegalArgumentException("cannot transfer leadership to " + target + ": not a voter");
        }
        if (target == id || target == leadTransferee) {
            return;
        }
        leadTransferee = target;
        transferElapsed = 0;
        transferAttemptedInTerm = true;
        Progress follower = progress.get(target);
        if (follower.matchIndex() == log.lastIndex()) {
            send(new TimeoutNow(term, id, target));
        } else {
            sendAppend(follower, true);
        }
    }

    /**
     * Starts a change of the cluster's members (§4.3): appends the configuration entry that begins it and returns
     * its index. The rest runs by itself: a new voter is promoted once caught up, a joint configuration is left
     * once committed, and a leader that removed itself hands over and steps down.
     *
     * @throws ProposalRejectedException if this node is not the leader, has not committed an entry of its term
     *                                   yet (§4.1, the 2015 fix), or another change is still in flight
     * @throws IllegalArgumentException  if the change makes no sense for the current members
     */
    public long changeMembership(MembershipChange change) {
        requireLeader();
        if (leadTransferee != NONE) {
            throw new ProposalRejectedException(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS, leaderId);
        }
        if (log.term(log.commitIndex()) != term) {
            throw new ProposalRejectedException(Reason.NO_COMMIT_IN_TERM, leaderId);
        }
        boolean cancelsPromotion = change instanceof MembershipChange.RemoveMember
                && configuration.promotions().containsKey(change.id());
        if (changeInFlight() || !configuration.promotions().isEmpty() && !cancelsPromotion) {
            // A voter being added or swapped in is part of the change until promoted; removing it cancels it.
            throw new ProposalRejectedException(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS, leaderId);
        }
        return proposeConfiguration(configuration.after(change));
    }

    /**
     * The runtime took a snapshot of its state machine as of index (applied, at most the last applied index).
     * The log is compacted below it, keeping {@link RaftConfig#logTailEntries()} entries for lagging followers.
     */
    public void snapshotTaken(long index) {
        if (index > log.appliedIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " is beyond the applied index "
                    + log.appliedIndex());
        }
        snapshotRequested = false;
        if (index <= snapshot.index()) {
            // Superseded, e.g. by a snapshot installed from the leader while this one was being written.
            return;
        }
        snapshot = new SnapshotMetadata(index, log.term(index), log.configurationAt(index));
        bytesSinceSnapshot = 0;
        log.compactTo(Math.max(log.compactedIndex(), index - config.logTailEntries()));
    }

    /**
     * The runtime's answer to a {@link SnapshotRead}: the bytes at the read's offset, and whether they end the
     * snapshot; null data if the runtime no longer has that snapshot, which restarts the transfer with the
     * current one.
     */
    public void snapshotChunk(SnapshotRead read, byte[] data, boolean last) {
        Progress follower = progress.get(read.to());
        if (role != Role.LEADER || follower == null || follower.state() != Progress.State.SNAPSHOT
                || follower.snapshot().index() != read.snapshotIndex() || follower.snapshotOffset() != read.offset()) {
            return;
        }
        if (data == null) {
            Checks.check(snapshot.index() != read.snapshotIndex(), "the runtime lost the current snapshot %d",
                    read.snapshotIndex());
            follower.becomeSnapshot(snapshot);
            requestChunk(follower);
            return;
        }
        SnapshotMetadata sending = follower.snapshot();
        send(new InstallSnapshot(term, id, read.to(), sending.index(), sending.term(), sending.configuration(),
                read.offset(), data, last));
    }

    /** Takes a message from another node. */
    public void step(Message message) {
        if (message.to() != id || message.from() == id || message.from() == NONE) {
            throw new IllegalArgumentException("message not meant for node " + id + ": " + message);
        }
        if (message.term() > term) {
            if (!adoptHigherTerm(message)) {
                return;
            }
        } else if (message.term() < term) {
            answerStaleMessage(message);
            return;
        }
        if (message instanceof RequestVote request) {
            handleRequestVote(request);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(message);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(message);
            case FOLLOWER -> stepFollower(message);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Output

    /** Whether {@link #ready()} would return something to do. */
    public boolean hasReady() {
        return appendBroadcastPending || heartbeatBroadcastPending || !messages.isEmpty()
                || !messagesAfterPersist.isEmpty() || !readStates.isEmpty() || log.hasUnpersisted()
                || log.hasCommittedToApply() || term != handedOutHardState.term()
                || votedFor != handedOutHardState.votedFor() || !snapshotReads.isEmpty() || !snapshotChunks.isEmpty()
                || !snapshotRequested && snapshotThresholdReached();
    }

    /** Whether enough was applied since the last snapshot to ask for a new one. */
    private boolean snapshotThresholdReached() {
        return log.appliedIndex() - snapshot.index() >= config.snapshotEntries()
                || bytesSinceSnapshot >= config.snapshotBytes();
    }

    /**
     * Everything to persist, send and apply since the last call. Entries and committed entries count as handed
     * out once returned; the runtime must carry the Ready out as {@link Ready} describes.
     */
    public Ready ready() {
        if (role == Role.LEADER) {
            if (heartbeatBroadcastPending) {
                broadcastHeartbeat();
            }
            if (appendBroadcastPending) {
                for (Progress follower : progress.values()) {
                    sendAppend(follower, true);
                }
            }
        }
        heartbeatBroadcastPending = false;
        appendBroadcastPending = false;
        HardState toPersist = null;
        if (term != handedOutHardState.term() || votedFor != handedOutHardState.votedFor()) {
            toPersist = hardState();
            handedOutHardState = toPersist;
        }
        List<Entry> committed = log.takeCommittedToApply();
        for (Entry entry : committed) {
            bytesSinceSnapshot += entry.sizeInBytes();
        }
        boolean askForSnapshot = !snapshotRequested && snapshotThresholdReached();
        snapshotRequested |= askForSnapshot;
        return new Ready(nextReadySequence++, toPersist, drain(snapshotChunks), log.takeUnpersisted(),
                drain(messages), drain(messagesAfterPersist), committed, drain(readStates), drain(snapshotReads),
                askForSnapshot);
    }

    private static <T> List<T> drain(ArrayList<T> buffer) {
        if (buffer.isEmpty()) {
            return List.of();
        }
        List<T> result = List.copyOf(buffer);
        buffer.clear();
        return result;
    }

    /** The runtime made everything the Ready asked to persist durable, and sent its messagesAfterPersist. */
    public void advance(Ready ready) {
        Checks.check(ready.sequence() == nextAdvanceSequence, "Ready %d advanced out of order (expected %d)",
                ready.sequence(), nextAdvanceSequence);
        nextAdvanceSequence++;
        if (ready.hardState() != null) {
            durableTerm = ready.hardState().term();
        }
        SnapshotMetadata installed = ready.installedSnapshot();
        if (installed != null) {
            log.stableTo(installed.index(), installed.term());
        }
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (role == Role.LEADER) {
            maybeCommit();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Observation

    public long id() {
        return id;
    }

    public long term() {
        return term;
    }

    public long votedFor() {
        return votedFor;
    }

    public Role role() {
        return role;
    }

    /** The leader this node knows of in its term, or {@link #NONE}. */
    public long leaderId() {
        return leaderId;
    }

    public long commitIndex() {
        return log.commitIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long lastTerm() {
        return log.lastTerm();
    }

    /** The first index still held in memory; entries below it are covered by the snapshot. */
    public long firstIndex() {
        return log.firstIndex();
    }

    /** The term of the entry at index, which this node must hold (or have just compacted). */
    public long termAt(long index) {
        return log.term(index);
    }

    public HardState hardState() {
        return new HardState(term, votedFor);
    }

    /** The configuration this node acts on: the latest in its log (§4.1). */
    public Configuration configuration() {
        return configuration;
    }

    /** The configuration in force at this node's commit index: the last one it knows to be committed. */
    public Configuration committedConfiguration() {
        return log.configurationAt(log.commitIndex());
    }

    /** The latest snapshot this node took or installed (index 0 if none). */
    public SnapshotMetadata snapshot() {
        return snapshot;
    }

    public RaftStatus status() {
        List<RaftStatus.FollowerStatus> followers = new ArrayList<>();
        for (Progress follower : progress.values()) {
            followers.add(new RaftStatus.FollowerStatus(follower.id(), follower.state().name(),
                    follower.matchIndex(), follower.nextIndex(), follower.ticksSinceResponse()));
        }
        return new RaftStatus(id, role, term, leaderId, votedFor, log.firstIndex(), log.lastIndex(),
                log.stableIndex(), log.commitIndex(), log.appliedIndex(), snapshot.index(), configuration,
                leadTransferee, List.copyOf(followers));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Terms and roles

    /** A message from a later term. Returns whether to go on handling it. */
    private boolean adoptHigherTerm(Message message) {
        if (message instanceof RequestVote request) {
            boolean inLease = config.checkQuorum() && leaderId != NONE
                    && (role == Role.LEADER || electionElapsed < config.electionTicksMin());
            if (inLease && !request.leadershipTransfer()) {
                // §4.2.3: a node that heard from a live leader within the minimum election timeout neither
                // votes nor raises its term, so a partitioned or removed node cannot disrupt the cluster.
                return false;
            }
            if (!request.preVote()) {
                adoptTermOfCandidate(message.term());
            }
            return true;
        }
        if (message instanceof RequestVoteResponse response && response.preVote() && response.granted()) {
            // A granted pre-vote carries the term we would campaign in, not a term anyone is in.
            return true;
        }
        // The leader of the new term, if this message is from it, is recorded when the message is handled.
        becomeFollower(message.term(), NONE);
        return true;
    }

    /**
     * A message from an earlier term is refused with this node's term (§3.3), so a stale leader or pre-candidate
     * learns of the newer term and steps down. Even without pre-vote and check-quorum this matters: a server
     * re-added after a removal may hold a higher term and ask for votes only from members long gone.
     */
    private void answerStaleMessage(Message message) {
        if (message instanceof AppendEntries || message instanceof Heartbeat || message instanceof InstallSnapshot) {
            send(new HeartbeatResponse(term, id, message.from(), 0));
        } else if (message instanceof RequestVote request && request.preVote()) {
            send(new RequestVoteResponse(term, id, message.from(), true, false));
        } else if (message instanceof ReadIndexRequest request) {
            send(new ReadIndexResponse(term, id, request.from(), request.context(), 0, false));
        }
    }

    /**
     * A candidate's later term, taken without restarting a follower's election timer: only a vote granted
     * restarts it (§5.2), and handleRequestVote does that. Otherwise candidates that cannot win, each raising the
     * term, would keep the follower whose log is the most complete, the one that could win, from ever timing
     * out (seen in the simulator without pre-vote: a removed member's old configuration needed that follower's
     * vote, which it refused to every candidate with a shorter log, and no leader came in ten seconds).
     */
    private void adoptTermOfCandidate(long newTerm) {
        boolean wasFollower = role == Role.FOLLOWER;
        int elapsed = electionElapsed;
        int timeout = randomizedElectionTimeout;
        becomeFollower(newTerm, NONE);
        if (wasFollower) {
            electionElapsed = elapsed;
            randomizedElectionTimeout = timeout;
        }
    }

    private void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        leaderId = leader;
    }

    private void becomePreCandidate() {
        Checks.check(role != Role.LEADER, "a leader cannot become pre-candidate in term %d", term);
        rejectPendingReads();
        role = Role.PRE_CANDIDATE;
        leaderId = NONE;
        votes.clear();
        // A round that gets no answer tries again after this: while fast campaigning a short wait, not the
        // election timeout drawn while there was a leader (a first pre-vote that reached a follower a moment
        // before that follower saw the leader's connection end went unanswered, and failover took a second).
        randomizedElectionTimeout = nextElectionTimeout();
    }

    private void becomeCandidate() {
        Checks.check(role != Role.LEADER, "a leader cannot become candidate in term %d", term);
        reset(term + 1);
        role = Role.CANDIDATE;
        votedFor = id;
    }

    private void becomeLeader() {
        Checks.check(role == Role.CANDIDATE, "only a candidate becomes leader, not a %d", role.ordinal());
        reset(term);
        role = Role.LEADER;
        leaderId = id;
        fastCampaignRounds = 0;
        leaderTicks = 0;
        for (long member : configuration.members()) {
            if (member != id) {
                progress.put(member, new Progress(member, log.lastIndex() + 1, config.maxInflightMessages()));
            }
        }
        // §3.6.2: entries of earlier terms commit only under an entry of this term.
        log.appendAsLeader(Entry.noop(log.lastIndex() + 1, term));
        appendBroadcastPending = true;
    }

    /** Leaves whatever role this node had, entering newTerm (which may be the current one). */
    private void reset(long newTerm) {
        Checks.check(newTerm >= term, "term would go back from %d to %d", term, newTerm);
        if (newTerm != term) {
            term = newTerm;
            votedFor = NONE;
        }
        rejectPendingReads();
        leaderId = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = nextElectionTimeout();
        votes.clear();
        progress.clear();
        receivingSnapshot = null;
        leadTransferee = NONE;
        transferAttemptedInTerm = false;
        appendBroadcastPending = false;
        heartbeatBroadcastPending = false;
    }

    /**
     * Whether this node may start an election: it votes in the configuration at its commit index or in any
     * configuration after it (§4.2.2: a server not in its own latest configuration may still be needed until
     * that configuration is committed). Example: a leader that removed itself appended the configuration
     * without it, then lost leadership before the entry spread; the remaining voters need its vote (its log is
     * the longest) and only it can commit that entry, so it must be able to win once more — tallying under its
     * latest configuration, as every candidate does — commit, and hand over. A restarted node knows little of
     * the commit index, so this looks back at every configuration it cannot rule out.
     */
    private boolean promotable() {
        return configuration.isVoter(id) || log.votesInAnyConfigurationFrom(log.commitIndex(), id);
    }

    private void requireLeader() {
        if (role != Role.LEADER) {
            throw new ProposalRejectedException(Reason.NOT_LEADER, leaderId);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Elections

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            if (fastCampaignRounds > 0) {
                fastCampaignRounds--;
            }
            campaign(config.preVote() ? Campaign.PRE_VOTE : Campaign.ELECTION);
        }
    }

    private void campaign(Campaign campaign) {
        if (!promotable()) {
            return;
        }
        long voteTerm;
        if (campaign == Campaign.PRE_VOTE) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        votes.put(id, true);
        if (tally() == VoteResult.WON) {
            // A single voter needs nobody else.
            if (campaign == Campaign.PRE_VOTE) {
                campaign(Campaign.ELECTION);
            } else {
                becomeLeader();
            }
            return;
        }
        for (long voter : configuration.members()) {
            if (voter != id && configuration.isVoter(voter)) {
                send(new RequestVote(voteTerm, id, voter, log.lastIndex(), log.lastTerm(),
                        campaign == Campaign.PRE_VOTE, campaign == Campaign.TRANSFER));
            }
        }
    }

    private VoteResult tally() {
        return configuration.tally(voter -> Boolean.TRUE.equals(votes.get(voter)),
                voter -> Boolean.FALSE.equals(votes.get(voter)));
    }

    private void handleRequestVote(RequestVote request) {
        boolean canVote = votedFor == request.from()
                || (votedFor == NONE && leaderId == NONE)
                || (request.preVote() && request.term() > term);
        if (request.preVote() && role == Role.PRE_CANDIDATE && request.from() > id
                && request.lastLogTerm() == log.lastTerm() && request.lastLogIndex() == log.lastIndex()) {
            // Two pre-candidates with the same log would each grant the other and then split the real vote;
            // the lower id goes ahead. Pre-votes change no term or vote, so this costs no safety.
            canVote = false;
        }
        // §3.6.1: only for a candidate whose log holds every entry this one does.
        if (canVote && log.isUpToDate(request.lastLogIndex(), request.lastLogTerm())) {
            send(new RequestVoteResponse(request.preVote() ? request.term() : term, id, request.from(),
                    request.preVote(), true));
            if (!request.preVote()) {
                electionElapsed = 0;
                votedFor = request.from();
            } else if (role == Role.FOLLOWER && fastCampaignRounds > 0 && !madeWayForPreCandidate) {
                makeWayForPreCandidate();
            }
        } else {
            send(new RequestVoteResponse(term, id, request.from(), request.preVote(), false));
        }
    }

    /**
     * After both followers lost the leader's connection, one's pre-vote reached the other before that one's own
     * fast campaign began: granted, it will ask for real votes next. Campaigning now would give the term two
     * candidates, each voting for itself, and with one member down nobody wins (seen with a slow, just restarted
     * member: a 600 ms failover instead of 100). So this follower waits a fast round from now instead. Once per
     * lost leader: a pre-candidate that can never win must not hold back one that could.
     */
    private void makeWayForPreCandidate() {
        madeWayForPreCandidate = true;
        electionElapsed = 0;
        randomizedElectionTimeout = nextElectionTimeout();
    }

    private void stepCandidate(Message message) {
        if (message instanceof AppendEntries || message instanceof Heartbeat || message instanceof InstallSnapshot) {
            // A leader exists in our term: we lost.
            becomeFollower(term, message.from());
            stepFollower(message);
        } else if (message instanceof RequestVoteResponse response) {
            boolean current = response.preVote() == (role == Role.PRE_CANDIDATE)
                    && response.term() == (response.preVote() && response.granted() ? term + 1 : term);
            if (!current) {
                return;
            }
            votes.putIfAbsent(response.from(), response.granted());
            switch (tally()) {
                case WON -> {
                    if (role == Role.PRE_CANDIDATE) {
                        campaign(Campaign.ELECTION);
                    } else {
                        becomeLeader();
                    }
                }
                case LOST -> becomeFollower(term, NONE);
                case PENDING -> {
                }
            }
        } else if (message instanceof ReadIndexRequest request) {
            send(new ReadIndexResponse(term, id, request.from(), request.context(), 0, false));
        } else if (message instanceof ReadIndexResponse response) {
            acceptReadIndexResponse(response);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Follower

    private void stepFollower(Message message) {
        if (message instanceof AppendEntries append) {
            followLeader(append.from());
            handleAppendEntries(append);
        } else if (message instanceof Heartbeat heartbeat) {
            followLeader(heartbeat.from());
            log.commitTo(Math.min(heartbeat.commitIndex(), log.lastIndex()));
            send(new HeartbeatResponse(term, id, heartbeat.from(), heartbeat.round()));
        } else if (message instanceof InstallSnapshot install) {
            followLeader(install.from());
            handleInstallSnapshot(install);
        } else if (message instanceof TimeoutNow) {
            followLeader(message.from());
            campaign(Campaign.TRANSFER);
        } else if (message instanceof ReadIndexRequest request) {
            send(new ReadIndexResponse(term, id, request.from(), request.context(), 0, false));
        } else if (message instanceof ReadIndexResponse response) {
            acceptReadIndexResponse(response);
        }
        // Answers to a role this node no longer has in this term are ignored.
    }

    private void followLeader(long sender) {
        Checks.check(leaderId == NONE || leaderId == sender, "two leaders in term %d: %d and %d", term, leaderId,
                sender);
        leaderId = sender;
        electionElapsed = 0;
        if (fastCampaignRounds > 0) {
            // Hearing a leader ends fast campaigning, and its short timeout with it: kept, it would outlast the
            // leader's heartbeat interval and unseat a healthy leader as soon as the cluster goes idle.
            fastCampaignRounds = 0;
            randomizedElectionTimeout = wholeElectionTimeout();
        }
    }

    /** The wait before the next campaign: a fast round while fast campaigning, else an election timeout. */
    private int nextElectionTimeout() {
        return fastCampaignRounds > 0 ? FAST_CAMPAIGN_TICKS + random.nextInt(FAST_CAMPAIGN_TICKS + 1)
                : wholeElectionTimeout();
    }

    private int wholeElectionTimeout() {
        return config.electionTicksMin() + random.nextInt(config.electionTicksMax() - config.electionTicksMin());
    }

    private void handleAppendEntries(AppendEntries append) {
        if (append.prevLogIndex() < log.compactedIndex()) {
            // Entries up to our snapshot are committed, so they match the leader's; skip what the snapshot covers.
            long covered = log.compactedIndex() - append.prevLogIndex();
            if (covered >= append.entries().size()) {
                send(AppendEntriesResponse.accepted(term, id, append.from(), log.compactedIndex()));
                return;
            }
            append = new AppendEntries(append.term(), append.from(), append.to(), log.compactedIndex(),
                    log.term(log.compactedIndex()), append.entries().subList((int) covered, append.entries().size()),
                    append.leaderCommit());
        }
        if (log.matchTerm(append.prevLogIndex(), append.prevLogTerm())) {
            long lastNew = log.appendAsFollower(append.prevLogIndex(), append.entries());
            log.commitTo(Math.min(append.leaderCommit(), lastNew));
            refreshConfiguration();
            send(AppendEntriesResponse.accepted(term, id, append.from(), lastNew));
        } else {
            long conflictIndex = log.findConflictByTerm(Math.min(append.prevLogIndex(), log.lastIndex()),
                    append.prevLogTerm());
            send(AppendEntriesResponse.rejected(term, id, append.from(), append.prevLogIndex(), conflictIndex,
                    log.term(conflictIndex)));
        }
    }

    /**
     * A chunk of the leader's snapshot (§5.3). Chunks must come in order; one that does not fit is answered with
     * the offset this node wants next, so the leader resumes from there.
     */
    private void handleInstallSnapshot(InstallSnapshot install) {
        if (install.snapshotIndex() <= log.commitIndex()) {
            // Everything the snapshot covers is already committed here.
            receivingSnapshot = null;
            send(new InstallSnapshotResponse(term, id, install.from(), install.snapshotIndex(), 0, true));
            return;
        }
        SnapshotMetadata metadata = new SnapshotMetadata(install.snapshotIndex(), install.snapshotTerm(),
                install.configuration());
        if (receivingSnapshot == null || !receivingSnapshot.equals(metadata)) {
            if (install.offset() != 0) {
                send(new InstallSnapshotResponse(term, id, install.from(), install.snapshotIndex(), 0, false));
                return;
            }
            receivingSnapshot = metadata;
            receivedBytes = 0;
        }
        if (install.offset() != receivedBytes) {
            send(new InstallSnapshotResponse(term, id, install.from(), install.snapshotIndex(), receivedBytes, false));
            return;
        }
        snapshotChunks.add(new SnapshotChunk(metadata, install.offset(), install.data(), install.last()));
        receivedBytes += install.data().length;
        if (!install.last()) {
            send(new InstallSnapshotResponse(term, id, install.from(), install.snapshotIndex(), receivedBytes, false));
            return;
        }
        receivingSnapshot = null;
        log.installSnapshot(metadata);
        snapshot = metadata;
        bytesSinceSnapshot = 0;
        refreshConfiguration();
        send(new InstallSnapshotResponse(term, id, install.from(), install.snapshotIndex(), receivedBytes, true));
    }

    private void acceptReadIndexResponse(ReadIndexResponse response) {
        if (!forwardedReads.remove(response.context())) {
            return;
        }
        readStates.add(response.granted() ? ReadState.granted(response.context(), response.readIndex())
                : ReadState.rejected(response.context()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Leader

    private void tickLeader() {
        leaderTicks++;
        heartbeatElapsed++;
        for (Progress follower : progress.values()) {
            follower.tick();
            if (follower.isStalled(config.electionTicksMin() / 2)) {
                // What went out was not acknowledged for half an election timeout: it was probably lost.
                if (follower.state() == Progress.State.SNAPSHOT) {
                    follower.retryChunk();
                    requestChunk(follower);
                } else {
                    follower.becomeProbe();
                    sendAppend(follower, true);
                }
            }
        }
        if (config.checkQuorum() && !configuration.isQuorum(voter -> voter == id
                || progress.get(voter).ticksSinceResponse() < config.electionTicksMin())) {
            // §9.6: a majority has not answered for an election timeout; some other node may be leading.
            becomeFollower(term, NONE);
            return;
        }
        if (leadTransferee != NONE && ++transferElapsed >= config.electionTicksMin()) {
            leadTransferee = NONE;
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            heartbeatBroadcastPending = true;
        }
        if (!configuration.promotions().isEmpty()) {
            // A learner may finish catching up with nothing new being proposed: look again every tick.
            advanceMembership();
        }
    }

    private void stepLeader(Message message) {
        if (message instanceof AppendEntriesResponse response) {
            handleAppendEntriesResponse(response);
        } else if (message instanceof HeartbeatResponse response) {
            handleHeartbeatResponse(response);
        } else if (message instanceof InstallSnapshotResponse response) {
            handleInstallSnapshotResponse(response);
        } else if (message instanceof ReadIndexRequest request) {
            leaderRead(request.context(), request.from());
        } else {
            Checks.check(!(message instanceof AppendEntries || message instanceof Heartbeat
                    || message instanceof InstallSnapshot), "two leaders in term %d: %d and %d", term, id,
                    message.from());
        }
    }

    private void handleAppendEntriesResponse(AppendEntriesResponse response) {
        Progress follower = progress.get(response.from());
        if (follower == null) {
            return;
        }
        follower.onResponse();
        if (!response.success()) {
            long hint = response.conflictIndex();
            if (response.conflictTerm() > 0 && hint >= log.compactedIndex()) {
                hint = log.findConflictByTerm(response.conflictIndex(), response.conflictTerm());
            }
            if (follower.onRejected(response.index(), hint)) {
                sendAppend(follower, true);
            }
            return;
        }
        if (follower.onAccepted(response.index())) {
            maybeCommit();
        }
        if (role != Role.LEADER) {
            return;
        }
        while (sendAppend(follower, false)) {
            // Fill the follower's inflight window.
        }
        if (response.from() == leadTransferee && follower.matchIndex() == log.lastIndex()) {
            send(new TimeoutNow(term, id, leadTransferee));
        }
        if (configuration.promotions().containsKey(response.from())) {
            advanceMembership();
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse response) {
        Progress follower = progress.get(response.from());
        if (follower == null) {
            return;
        }
        follower.onHeartbeatResponse(response.round());
        if (follower.matchIndex() < log.lastIndex()) {
            // Retries a lost probe; for a replicating follower an empty append after the last sent entry
            // uncovers a lost message (the follower rejects it and the leader probes back).
            sendAppend(follower, true);
        }
        confirmReads();
    }

    private void handleInstallSnapshotResponse(InstallSnapshotResponse response) {
        Progress follower = progress.get(response.from());
        if (follower == null) {
            return;
        }
        follower.onResponse();
        if (follower.state() != Progress.State.SNAPSHOT || follower.snapshot().index() != response.snapshotIndex()) {
            return;
        }
        if (response.installed()) {
            follower.onSnapshotInstalled(response.snapshotIndex());
            sendAppend(follower, true);
        } else {
            follower.onChunkAcknowledged(response.nextOffset());
            requestChunk(follower);
        }
    }

    /**
     * Sends the follower the entries from its nextIndex, unless its window is full or, when sendIfEmpty is
     * false, there is nothing to send. A follower that needs entries already compacted gets the snapshot
     * instead. Returns whether an AppendEntries went out.
     */
    private boolean sendAppend(Progress follower, boolean sendIfEmpty) {
        if (follower.isPaused()) {
            return false;
        }
        long prevIndex = follower.nextIndex() - 1;
        if (prevIndex < log.compactedIndex()) {
            follower.becomeSnapshot(snapshot);
            requestChunk(follower);
            return false;
        }
        List<Entry> entries = log.slice(follower.nextIndex(), config.maxEntriesPerMessage(),
                config.maxBytesPerMessage());
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(new AppendEntries(term, id, follower.id(), prevIndex, log.term(prevIndex), entries, log.commitIndex()));
        follower.onSent(prevIndex + entries.size(), entries.isEmpty());
        return true;
    }

    /** Asks the runtime for the next chunk of the snapshot this follower is being sent. */
    private void requestChunk(Progress follower) {
        Checks.check(follower.wantsChunk(), "a chunk for follower %d asked while one is outstanding", follower.id());
        snapshotReads.add(new SnapshotRead(follower.id(), follower.snapshot().index(), follower.snapshotOffset(),
                config.snapshotChunkBytes()));
        follower.onChunkOutstanding();
    }

    private void broadcastHeartbeat() {
        round++;
        if (config.leaseTicks() > 0) {
            reads.recordRound(round, leaderTicks);
        }
        for (Progress follower : progress.values()) {
            send(new Heartbeat(term, id, follower.id(), Math.min(follower.matchIndex(), log.commitIndex()), round));
        }
    }

    /**
     * Commits the highest index a majority holds durably, if it belongs to this term (§3.6.2); while joint,
     * a majority of each configuration (§4.3). The leader counts itself only for what its own storage reported
     * durable (§10.2.1), and only if it is a voter. A new commit index goes out with the next Ready.
     */
    private void maybeCommit() {
        long quorumIndex = configuration.committedIndex(voter -> voter == id ? log.stableIndex()
                : progress.get(voter).matchIndex());
        if (quorumIndex <= log.commitIndex() || log.term(quorumIndex) != term) {
            return;
        }
        appendBroadcastPending = true;
        boolean firstInTerm = log.term(log.commitIndex()) != term;
        log.commitTo(quorumIndex);
        if (firstInTerm) {
            for (ReadIndexQueue.PendingRead read : reads.takeAwaitingCommit()) {
                leaderRead(read.context(), read.requester());
            }
        }
        advanceMembership();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Membership

    /** Whether a configuration entry is not yet committed, or the configuration is still joint. */
    private boolean changeInFlight() {
        return log.configurationIndex() > log.commitIndex() || configuration.isJoint();
    }

    private long proposeConfiguration(Configuration next) {
        long index = log.lastIndex() + 1;
        log.appendAsLeader(Entry.configuration(index, term, next));
        refreshConfiguration();
        appendBroadcastPending = true;
        return index;
    }

    /**
     * The steps of a change that follow by themselves, once the previous one is committed: leave a joint
     * configuration; step down if this leader is no longer a voter (§4.2.2); promote a learner that caught up.
     */
    private void advanceMembership() {
        if (role != Role.LEADER || log.configurationIndex() > log.commitIndex()
                || log.term(log.commitIndex()) != term) {
            return;
        }
        if (configuration.isJoint()) {
            proposeConfiguration(configuration.leaveJoint());
            return;
        }
        if (!configuration.isVoter(id)) {
            handOverAfterRemoval();
            return;
        }
        for (var promotion : configuration.promotions().entrySet()) {
            Progress learner = progress.get(promotion.getKey());
            if (learner != null && learner.caughtUp(log.lastIndex(), leaderTicks, config.electionTicksMin())) {
                TreeSet<Long> nextVoters = new TreeSet<>(configuration.voters());
                nextVoters.add(promotion.getKey());
                nextVoters.remove(promotion.getValue());
                proposeConfiguration(configuration.enterJoint(nextVoters));
                return;
            }
        }
    }

    /** A leader the committed configuration left out tells the most caught-up voter to campaign, and steps down. */
    private void handOverAfterRemoval() {
        Progress best = null;
        for (long voter : configuration.voters()) {
            Progress candidate = progress.get(voter);
            if (candidate != null && (best == null || candidate.matchIndex() > best.matchIndex())) {
                best = candidate;
            }
        }
        if (best != null && best.matchIndex() == log.lastIndex()) {
            send(new TimeoutNow(term, id, best.id()));
        }
        becomeFollower(term, NONE);
    }

    /** Acts on a change of the latest configuration in the log: a leader tracks every member and only them. */
    private void refreshConfiguration() {
        Configuration latest = log.configuration();
        if (latest == configuration) {
            return;
        }
        configuration = latest;
        if (role != Role.LEADER) {
            return;
        }
        SortedSet<Long> members = configuration.members();
        progress.keySet().retainAll(members);
        for (long member : members) {
            if (member != id && !progress.containsKey(member)) {
                progress.put(member, new Progress(member, log.lastIndex() + 1, config.maxInflightMessages()));
            }
        }
        if (leadTransferee != NONE && !configuration.voters().contains(leadTransferee)) {
            leadTransferee = NONE;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads

    private void leaderRead(long context, long requester) {
        if (log.term(log.commitIndex()) != term) {
            // §6.4 step 1: until an entry of its term commits, the leader does not know the commit index.
            reads.awaitCommit(context, requester);
            return;
        }
        long readIndex = log.commitIndex();
        if (configuration.isQuorum(voter -> voter == id) || leaseValid()) {
            answerRead(context, requester, readIndex, true);
            return;
        }
        reads.awaitRound(context, requester, readIndex, round + 1);
        heartbeatBroadcastPending = true;
    }

    private boolean leaseValid() {
        return config.leaseTicks() > 0 && !transferAttemptedInTerm
                && reads.leaseStartTick() + config.leaseTicks() > leaderTicks;
    }

    /** Answers every read whose heartbeat round a majority has echoed. */
    private void confirmReads() {
        long quorumRound = configuration.committedIndex(voter -> voter == id ? round
                : progress.get(voter).acknowledgedRound());
        for (ReadIndexQueue.PendingRead read : reads.takeConfirmed(quorumRound)) {
            answerRead(read.context(), read.requester(), read.readIndex(), true);
        }
    }

    private void answerRead(long context, long requester, long readIndex, boolean granted) {
        if (requester == id) {
            readStates.add(granted ? ReadState.granted(context, readIndex) : ReadState.rejected(context));
        } else {
            send(new ReadIndexResponse(term, id, requester, context, readIndex, granted));
        }
    }

    /**
     * On any change of role or term: reads this node was confirming as leader, and reads it forwarded to a leader
     * whose answer can no longer arrive in this term, are rejected, so callers retry instead of waiting forever.
     */
    private void rejectPendingReads() {
        for (ReadIndexQueue.PendingRead read : reads.takeAll()) {
            answerRead(read.context(), read.requester(), 0, false);
        }
        for (long context : forwardedReads) {
            readStates.add(ReadState.rejected(context));
        }
        forwardedReads.clear();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    /**
     * Queues a message. Acknowledgements and votes, and anything carrying a term not yet durable, leave only
     * after the Ready they belong to is persisted: a node never tells anyone something its disk could forget.
     */
    private void send(Message message) {
        boolean afterPersist;
        if (message instanceof AppendEntriesResponse || message instanceof RequestVoteResponse
                || message instanceof InstallSnapshotResponse) {
            afterPersist = true;
        } else if (message instanceof RequestVote request) {
            afterPersist = !request.preVote();
        } else {
            afterPersist = message.term() > durableTerm;
        }
        (afterPersist ? messagesAfterPersist : messages).add(message);
    }

}
