package io.beacon.raft;

import io.beacon.raft.ProposalRejectedException.Reason;
import io.beacon.raft.message.AppendEntries;
import io.beacon.raft.message.AppendEntriesResponse;
import io.beacon.raft.message.Heartbeat;
import io.beacon.raft.message.HeartbeatResponse;
import io.beacon.raft.message.Message;
import io.beacon.raft.message.ReadIndexRequest;
import io.beacon.raft.message.ReadIndexResponse;
import io.beacon.raft.message.RequestVote;
import io.beacon.raft.message.RequestVoteResponse;
import io.beacon.raft.message.TimeoutNow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One Raft node as a pure state machine, in the style of etcd's raft library: the whole algorithm in one
 * place, one step function per role. It reads no clock, starts no thread, touches no file or socket and
 * iterates only ordered collections, so the same inputs always give the same outputs.
 *
 * <p>Inputs: {@link #tick()}, {@link #step(Message)}, {@link #propose(byte[])}, {@link #readIndex(long)},
 * {@link #transferLeadership(long)}. Outputs: a {@link Ready}, taken with {@link #ready()} and acknowledged with
 * {@link #advance(Ready)} once its writes are durable. Not thread-safe: one thread owns a node.
 *
 * <p>Section numbers refer to Ongaro's thesis, "Consensus: Bridging Theory and Practice" (2014).
 */
public final class RaftNode {
    /** The id of no node: no vote, no known leader. */
    public static final long NONE = 0;

    private enum Campaign { PRE_VOTE, ELECTION, TRANSFER }

    private final long id;
    private final RaftConfig config;
    private final VoterSet voters;
    private final RaftLog log;
    private final SplittableRandom random;

    private long term;
    private long votedFor;
    private long leaderId;
    private Role role = Role.FOLLOWER;

    /** Follower and candidate: ticks since the last election or the last message of a current leader. */
    private int electionElapsed;
    private int randomizedElectionTimeout;
    /** Candidate: the answers received in this election, by voter. */
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();

    /** Leader: what it knows of every other voter. */
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

    // Output not yet taken by ready().
    private final ArrayList<Message> messages = new ArrayList<>();
    private final ArrayList<Message> messagesAfterPersist = new ArrayList<>();
    private final ArrayList<ReadState> readStates = new ArrayList<>();
    private HardState handedOutHardState;
    /** The term of the last hard state the runtime reported durable. */
    private long durableTerm;
    private long nextReadySequence;
    private long nextAdvanceSequence;

    /**
     * A node restarting from what it persisted.
     *
     * @param hardState    the last durable hard state ({@link HardState#INITIAL} for a new node)
     * @param entries      the durable log, from index 1 without gaps
     * @param appliedIndex how far the state machine already applied this log (0 if it starts empty)
     */
    public RaftNode(RaftConfig config, HardState hardState, List<Entry> entries, long appliedIndex) {
        this.id = config.id();
        this.config = config;
        this.voters = new VoterSet(config.voters());
        this.log = new RaftLog(entries, appliedIndex, appliedIndex);
        this.random = new SplittableRandom(config.randomSeed());
        Checks.check(hardState.term() >= log.lastTerm(), "hard state term %d is below the log's last term %d",
                hardState.term(), log.lastTerm());
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.handedOutHardState = hardState;
        this.durableTerm = hardState.term();
        becomeFollower(term, NONE);
    }

    /** A brand-new node with nothing persisted. */
    public static RaftNode fresh(RaftConfig config) {
        return new RaftNode(config, HardState.INITIAL, List.of(), 0);
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
     * Appends a command to the leader's log; it is replicated at the next {@link #ready()}, batched with every
     * other command proposed before it. Returns the index it was appended at, in the current {@link #term()};
     * the command took effect if and only if an entry with that index and term is later committed.
     *
     * @throws ProposalRejectedException if this node is not the leader or is transferring leadership
     */
    public long propose(byte[] command) {
        if (role != Role.LEADER) {
            throw new ProposalRejectedException(Reason.NOT_LEADER, leaderId);
        }
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
        if (role != Role.LEADER) {
            throw new ProposalRejectedException(Reason.NOT_LEADER, leaderId);
        }
        if (!voters.contains(target)) {
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
                || votedFor != handedOutHardState.votedFor();
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
        return new Ready(nextReadySequence++, toPersist, log.takeUnpersisted(), drain(messages),
                drain(messagesAfterPersist), log.takeCommittedToApply(), drain(readStates));
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
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (role == Role.LEADER && maybeCommit()) {
            appendBroadcastPending = true;
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

    /** The term of the entry at index, which this node must hold. */
    public long termAt(long index) {
        return log.term(index);
    }

    public HardState hardState() {
        return new HardState(term, votedFor);
    }

    public RaftStatus status() {
        List<RaftStatus.FollowerStatus> followers = new ArrayList<>();
        for (Progress follower : progress.values()) {
            followers.add(new RaftStatus.FollowerStatus(follower.id(), follower.state().name(),
                    follower.matchIndex(), follower.nextIndex(), follower.ticksSinceResponse()));
        }
        return new RaftStatus(id, role, term, leaderId, votedFor, log.lastIndex(), log.stableIndex(),
                log.commitIndex(), log.appliedIndex(), leadTransferee, List.copyOf(followers));
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
                becomeFollower(message.term(), NONE);
            }
            return true;
        }
        if (message instanceof RequestVoteResponse response && response.preVote() && response.granted()) {
            // A granted pre-vote carries the term we would campaign in, not a term anyone is in.
            return true;
        }
        boolean fromLeader = message instanceof AppendEntries || message instanceof Heartbeat
                || message instanceof TimeoutNow;
        becomeFollower(message.term(), fromLeader ? message.from() : NONE);
        return true;
    }

    /** A message from an earlier term: ignored, but a stale leader or pre-candidate learns of the newer term. */
    private void answerStaleMessage(Message message) {
        if ((config.checkQuorum() || config.preVote())
                && (message instanceof AppendEntries || message instanceof Heartbeat)) {
            // With pre-vote or check-quorum this node may have moved on without the old leader ever seeing a
            // vote request from the new term; this answer makes it step down.
            send(new HeartbeatResponse(term, id, message.from(), 0));
        } else if (message instanceof RequestVote request && request.preVote()) {
            send(new RequestVoteResponse(term, id, message.from(), true, false));
        } else if (message instanceof ReadIndexRequest request) {
            send(new ReadIndexResponse(term, id, request.from(), request.context(), 0, false));
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
        leaderTicks = 0;
        for (long voter : voters.ids()) {
            if (voter != id) {
                progress.put(voter, new Progress(voter, log.lastIndex() + 1, config.maxInflightMessages()));
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
        randomizedElectionTimeout = config.electionTicksMin()
                + random.nextInt(config.electionTicksMax() - config.electionTicksMin());
        votes.clear();
        progress.clear();
        leadTransferee = NONE;
        transferAttemptedInTerm = false;
        appendBroadcastPending = false;
        heartbeatBroadcastPending = false;
    }

    private boolean promotable() {
        return voters.contains(id);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Elections

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
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
        for (long voter : voters.ids()) {
            if (voter != id) {
                send(new RequestVote(voteTerm, id, voter, log.lastIndex(), log.lastTerm(),
                        campaign == Campaign.PRE_VOTE, campaign == Campaign.TRANSFER));
            }
        }
    }

    private VoteResult tally() {
        return voters.tally(voter -> Boolean.TRUE.equals(votes.get(voter)),
                voter -> Boolean.FALSE.equals(votes.get(voter)));
    }

    private void handleRequestVote(RequestVote request) {
        boolean canVote = votedFor == request.from()
                || (votedFor == NONE && leaderId == NONE)
                || (request.preVote() && request.term() > term);
        // §3.6.1: only for a candidate whose log holds every entry this one does.
        if (canVote && log.isUpToDate(request.lastLogIndex(), request.lastLogTerm())) {
            send(new RequestVoteResponse(request.preVote() ? request.term() : term, id, request.from(),
                    request.preVote(), true));
            if (!request.preVote()) {
                electionElapsed = 0;
                votedFor = request.from();
            }
        } else {
            send(new RequestVoteResponse(term, id, request.from(), request.preVote(), false));
        }
    }

    private void stepCandidate(Message message) {
        if (message instanceof AppendEntries || message instanceof Heartbeat) {
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
    }

    private void handleAppendEntries(AppendEntries append) {
        if (log.matchTerm(append.prevLogIndex(), append.prevLogTerm())) {
            long lastNew = log.appendAsFollower(append.prevLogIndex(), append.entries());
            log.commitTo(Math.min(append.leaderCommit(), lastNew));
            send(AppendEntriesResponse.accepted(term, id, append.from(), lastNew));
        } else {
            long conflictIndex = log.findConflictByTerm(Math.min(append.prevLogIndex(), log.lastIndex()),
                    append.prevLogTerm());
            send(AppendEntriesResponse.rejected(term, id, append.from(), append.prevLogIndex(), conflictIndex,
                    log.term(conflictIndex)));
        }
    }

    private void acceptReadIndexResponse(ReadIndexResponse response) {
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
                // Entries went unacknowledged for half an election timeout: probe where the follower stands.
                follower.becomeProbe();
                sendAppend(follower, true);
            }
        }
        if (config.checkQuorum() && !voters.isQuorum(voter -> voter == id
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
    }

    private void stepLeader(Message message) {
        if (message instanceof AppendEntriesResponse response) {
            handleAppendEntriesResponse(response);
        } else if (message instanceof HeartbeatResponse response) {
            handleHeartbeatResponse(response);
        } else if (message instanceof ReadIndexRequest request) {
            leaderRead(request.context(), request.from());
        } else {
            Checks.check(!(message instanceof AppendEntries || message instanceof Heartbeat),
                    "two leaders in term %d: %d and %d", term, id, message.from());
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
            if (response.conflictTerm() > 0) {
                hint = log.findConflictByTerm(response.conflictIndex(), response.conflictTerm());
            }
            if (follower.onRejected(response.index(), hint)) {
                sendAppend(follower, true);
            }
            return;
        }
        if (follower.onAccepted(response.index()) && maybeCommit()) {
            appendBroadcastPending = true;
        }
        while (sendAppend(follower, false)) {
            // Fill the follower's inflight window.
        }
        if (response.from() == leadTransferee && follower.matchIndex() == log.lastIndex()) {
            send(new TimeoutNow(term, id, leadTransferee));
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

    /**
     * Sends the follower the entries from its nextIndex, unless its window is full or, when sendIfEmpty is
     * false, there is nothing to send. Returns whether a message went out.
     */
    private boolean sendAppend(Progress follower, boolean sendIfEmpty) {
        if (follower.isPaused()) {
            return false;
        }
        long prevIndex = follower.nextIndex() - 1;
        List<Entry> entries = log.slice(follower.nextIndex(), config.maxEntriesPerMessage(),
                config.maxBytesPerMessage());
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(new AppendEntries(term, id, follower.id(), prevIndex, log.term(prevIndex), entries, log.commitIndex()));
        follower.onSent(prevIndex + entries.size(), entries.isEmpty());
        return true;
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
     * Commits the highest index a majority holds durably, if it belongs to this term (§3.6.2). The leader
     * counts itself only for what its own storage reported durable (§10.2.1). Returns whether commit moved.
     */
    private boolean maybeCommit() {
        long quorumIndex = voters.committedIndex(voter -> voter == id ? log.stableIndex()
                : progress.get(voter).matchIndex());
        if (quorumIndex <= log.commitIndex() || log.term(quorumIndex) != term) {
            return false;
        }
        boolean firstInTerm = log.term(log.commitIndex()) != term;
        log.commitTo(quorumIndex);
        if (firstInTerm) {
            for (ReadIndexQueue.PendingRead read : reads.takeAwaitingCommit()) {
                leaderRead(read.context(), read.requester());
            }
        }
        return true;
    }

    private void leaderRead(long context, long requester) {
        if (log.term(log.commitIndex()) != term) {
            // §6.4 step 1: until an entry of its term commits, the leader does not know the commit index.
            reads.awaitCommit(context, requester);
            return;
        }
        long readIndex = log.commitIndex();
        if (voters.size() == 1 || leaseValid()) {
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
        long quorumRound = voters.committedIndex(voter -> voter == id ? round
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

    private void rejectPendingReads() {
        for (ReadIndexQueue.PendingRead read : reads.takeAll()) {
            answerRead(read.context(), read.requester(), 0, false);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    /**
     * Queues a message. Acknowledgements and votes, and anything carrying a term not yet durable, leave only
     * after the Ready they belong to is persisted: a node never tells anyone something its disk could forget.
     */
    private void send(Message message) {
        boolean afterPersist;
        if (message instanceof AppendEntriesResponse || message instanceof RequestVoteResponse) {
            afterPersist = true;
        } else if (message instanceof RequestVote request) {
            afterPersist = !request.preVote();
        } else {
            afterPersist = message.term() > durableTerm;
        }
        (afterPersist ? messagesAfterPersist : messages).add(message);
    }

    /** Pending reads of a leader: waiting for a commit in its term, or for a heartbeat round to be echoed. */
    private static final class ReadIndexQueue {
        record PendingRead(long context, long requester, long readIndex, long round) {
        }

        private final ArrayDeque<PendingRead> awaitingCommit = new ArrayDeque<>();
        private final ArrayDeque<PendingRead> awaitingRound = new ArrayDeque<>();
        /** (round, leader tick it was sent at), for rounds not yet echoed by a majority; lease mode only. */
        private final ArrayDeque<long[]> roundTicks = new ArrayDeque<>();
        private long leaseStartTick = Long.MIN_VALUE / 2;

        void awaitCommit(long context, long requester) {
            awaitingCommit.add(new PendingRead(context, requester, 0, 0));
        }

        void awaitRound(long context, long requester, long readIndex, long round) {
            awaitingRound.add(new PendingRead(context, requester, readIndex, round));
        }

        List<PendingRead> takeAwaitingCommit() {
            List<PendingRead> result = new ArrayList<>(awaitingCommit);
            awaitingCommit.clear();
            return result;
        }

        void recordRound(long round, long tick) {
            roundTicks.add(new long[] {round, tick});
        }

        long leaseStartTick() {
            return leaseStartTick;
        }

        /** Reads whose round is at most the round a majority echoed; also moves the lease forward. */
        List<PendingRead> takeConfirmed(long quorumRound) {
            while (!roundTicks.isEmpty() && roundTicks.peek()[0] <= quorumRound) {
                leaseStartTick = Math.max(leaseStartTick, roundTicks.poll()[1]);
            }
            List<PendingRead> result = new ArrayList<>();
            while (!awaitingRound.isEmpty() && awaitingRound.peek().round() <= quorumRound) {
                result.add(awaitingRound.poll());
            }
            return result;
        }

        List<PendingRead> takeAll() {
            List<PendingRead> result = new ArrayList<>(awaitingCommit);
            result.addAll(awaitingRound);
            awaitingCommit.clear();
            awaitingRound.clear();
            roundTicks.clear();
            leaseStartTick = Long.MIN_VALUE / 2;
            return result;
        }
    }
}
