package io.beacon.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.beacon.raft.Configuration;
import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
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
import io.beacon.transport.proto.Forward;
import io.beacon.transport.proto.ForwardAccepted;
import io.beacon.transport.proto.ForwardRefused;
import io.beacon.transport.proto.LogEntry;
import io.beacon.transport.proto.RaftMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates the core's messages, and the runtimes' {@link ForwardMessage}s, to and from their Protocol Buffers form. Decoding checks what the core's records
 * check (and that the message is one at all): a peer's bytes never reach the core unless they make a message.
 */
public final class MessageCodec {
    private static final EntryType[] ENTRY_TYPES = EntryType.values();

    private MessageCodec() {
    }

    public static RaftMessage encode(Message message) {
        RaftMessage.Builder builder = RaftMessage.newBuilder()
                .setTerm(message.term()).setFrom(message.from()).setTo(message.to());
        if (message instanceof RequestVote m) {
            builder.setRequestVote(io.beacon.transport.proto.RequestVote.newBuilder()
                    .setLastLogIndex(m.lastLogIndex()).setLastLogTerm(m.lastLogTerm())
                    .setPreVote(m.preVote()).setLeadershipTransfer(m.leadershipTransfer()));
        } else if (message instanceof RequestVoteResponse m) {
            builder.setRequestVoteResponse(
                    io.beacon.transport.proto.RequestVoteResponse.newBuilder()
                            .setPreVote(m.preVote()).setGranted(m.granted()));
        } else if (message instanceof AppendEntries m) {
            io.beacon.transport.proto.AppendEntries.Builder append =
                    io.beacon.transport.proto.AppendEntries.newBuilder()
                            .setPrevLogIndex(m.prevLogIndex()).setPrevLogTerm(m.prevLogTerm())
                            .setLeaderCommit(m.leaderCommit());
            for (Entry entry : m.entries()) {
                append.addEntries(LogEntry.newBuilder().setIndex(entry.index()).setTerm(entry.term())
                        .setTypeValue(entry.type().ordinal())
                        // Entries never change once made, so their bytes can be shared, not copied.
                        .setData(UnsafeByteOperations.unsafeWrap(entry.data())));
            }
            builder.setAppendEntries(append);
        } else if (message instanceof AppendEntriesResponse m) {
            builder.setAppendEntriesResponse(
                    io.beacon.transport.proto.AppendEntriesResponse.newBuilder().setSuccess(m.success())
                            .setIndex(m.index()).setConflictIndex(m.conflictIndex())
                            .setConflictTerm(m.conflictTerm()));
        } else if (message instanceof Heartbeat m) {
            builder.setHeartbeat(io.beacon.transport.proto.Heartbeat.newBuilder()
                    .setCommitIndex(m.commitIndex()).setRound(m.round()));
        } else if (message instanceof HeartbeatResponse m) {
            builder.setHeartbeatResponse(
                    io.beacon.transport.proto.HeartbeatResponse.newBuilder().setRound(m.round()));
        } else if (message instanceof TimeoutNow) {
            builder.setTimeoutNow(io.beacon.transport.proto.TimeoutNow.getDefaultInstance());
        } else if (message instanceof ReadIndexRequest m) {
            builder.setReadIndexRequest(
                    io.beacon.transport.proto.ReadIndexRequest.newBuilder().setContext(m.context()));
        } else if (message instanceof ReadIndexResponse m) {
            builder.setReadIndexResponse(
                    io.beacon.transport.proto.ReadIndexResponse.newBuilder().setContext(m.context())
                            .setReadIndex(m.readIndex()).setGranted(m.granted()));
        } else if (message instanceof InstallSnapshot m) {
            builder.setInstallSnapshot(
                    io.beacon.transport.proto.InstallSnapshot.newBuilder().setSnapshotIndex(m.snapshotIndex())
                            .setSnapshotTerm(m.snapshotTerm())
                            .setConfiguration(ByteString.copyFrom(m.configuration().encode()))
                            .setOffset(m.offset()).setData(UnsafeByteOperations.unsafeWrap(m.data()))
                            .setLast(m.last()));
        } else if (message instanceof InstallSnapshotResponse m) {
            builder.setInstallSnapshotResponse(
                    io.beacon.transport.proto.InstallSnapshotResponse.newBuilder()
                            .setSnapshotIndex(m.snapshotIndex()).setNextOffset(m.nextOffset())
                            .setInstalled(m.installed()));
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return builder.build();
    }

    public static Message decode(RaftMessage wire) throws MalformedFrameException {
        long term = wire.getTerm();
        long from = wire.getFrom();
        long to = wire.getTo();
        if (term < 0 || from <= 0 || to <= 0) {
            // uint64 beyond Long.MAX_VALUE reads back negative.
            throw new MalformedFrameException("message with term " + term + " from " + from + " to " + to);
        }
        try {
            return switch (wire.getKindCase()) {
                case REQUEST_VOTE -> {
                    var m = wire.getRequestVote();
                    yield new RequestVote(term, from, to, m.getLastLogIndex(), m.getLastLogTerm(), m.getPreVote(),
                            m.getLeadershipTransfer());
                }
                case REQUEST_VOTE_RESPONSE -> {
                    var m = wire.getRequestVoteResponse();
                    yield new RequestVoteResponse(term, from, to, m.getPreVote(), m.getGranted());
                }
                case APPEND_ENTRIES -> {
                    var m = wire.getAppendEntries();
                    List<Entry> entries = new ArrayList<>(m.getEntriesCount());
                    for (LogEntry entry : m.getEntriesList()) {
                        int type = entry.getTypeValue();
                        if (type < 0 || type >= ENTRY_TYPES.length) {
                            throw new MalformedFrameException("unknown entry type " + type);
                        }
                        entries.add(new Entry(entry.getIndex(), entry.getTerm(), ENTRY_TYPES[type],
                                entry.getData().toByteArray()));
                    }
                    yield new AppendEntries(term, from, to, m.getPrevLogIndex(), m.getPrevLogTerm(), entries,
                            m.getLeaderCommit());
                }
                case APPEND_ENTRIES_RESPONSE -> {
                    var m = wire.getAppendEntriesResponse();
                    yield new AppendEntriesResponse(term, from, to, m.getSuccess(), m.getIndex(),
                            m.getConflictIndex(), m.getConflictTerm());
                }
                case HEARTBEAT -> {
                    var m = wire.getHeartbeat();
                    yield new Heartbeat(term, from, to, m.getCommitIndex(), m.getRound());
                }
                case HEARTBEAT_RESPONSE ->
                        new HeartbeatResponse(term, from, to, wire.getHeartbeatResponse().getRound());
                case TIMEOUT_NOW -> new TimeoutNow(term, from, to);
                case READ_INDEX_REQUEST ->
                        new ReadIndexRequest(term, from, to, wire.getReadIndexRequest().getContext());
                case READ_INDEX_RESPONSE -> {
                    var m = wire.getReadIndexResponse();
                    yield new ReadIndexResponse(term, from, to, m.getContext(), m.getReadIndex(), m.getGranted());
                }
                case INSTALL_SNAPSHOT -> {
                    var m = wire.getInstallSnapshot();
                    yield new InstallSnapshot(term, from, to, m.getSnapshotIndex(), m.getSnapshotTerm(),
                            Configuration.decode(m.getConfiguration().toByteArray()), m.getOffset(),
                            m.getData().toByteArray(), m.getLast());
                }
                case INSTALL_SNAPSHOT_RESPONSE -> {
                    var m = wire.getInstallSnapshotResponse();
                    yield new InstallSnapshotResponse(term, from, to, m.getSnapshotIndex(), m.getNextOffset(),
                            m.getInstalled());
                }
                case KIND_NOT_SET -> throw new MalformedFrameException("raft message of no kind");
            };
        } catch (RuntimeException e) {
            // The records' own checks (index > 0, entries without gaps, a configuration that decodes, ...).
            throw new MalformedFrameException("malformed " + wire.getKindCase() + ": " + e.getMessage(), e);
        }
    }

    public static Forward encode(ForwardMessage message) {
        Forward.Builder builder = Forward.newBuilder().setFrom(message.from()).setTo(message.to())
                .setRequestId(message.requestId());
        if (message instanceof ForwardMessage.Proposal m) {
            builder.setProposal(UnsafeByteOperations.unsafeWrap(m.command()));
        } else if (message instanceof ForwardMessage.Accepted m) {
            builder.setAccepted(ForwardAccepted.newBuilder().setIndex(m.index()).setTerm(m.term()));
        } else if (message instanceof ForwardMessage.Refused m) {
            builder.setRefused(ForwardRefused.newBuilder().setReason(m.reason()).setLeaderHint(m.leaderHint()));
        } else if (message instanceof ForwardMessage.Note m) {
            builder.setNote(UnsafeByteOperations.unsafeWrap(m.body()));
        }
        return builder.build();
    }

    public static ForwardMessage decode(Forward wire) throws MalformedFrameException {
        long from = wire.getFrom();
        long to = wire.getTo();
        long requestId = wire.getRequestId();
        if (from <= 0 || to <= 0 || requestId <= 0) {
            throw new MalformedFrameException("forward " + requestId + " from " + from + " to " + to);
        }
        return switch (wire.getKindCase()) {
            case PROPOSAL -> new ForwardMessage.Proposal(from, to, requestId, wire.getProposal().toByteArray());
            case ACCEPTED -> {
                ForwardAccepted m = wire.getAccepted();
                if (m.getIndex() <= 0 || m.getTerm() <= 0) {
                    throw new MalformedFrameException("forward accepted at index " + m.getIndex() + " term "
                            + m.getTerm());
                }
                yield new ForwardMessage.Accepted(from, to, requestId, m.getIndex(), m.getTerm());
            }
            case REFUSED -> {
                ForwardRefused m = wire.getRefused();
                if (m.getLeaderHint() < 0) {
                    throw new MalformedFrameException("forward refused with leader " + m.getLeaderHint());
                }
                yield new ForwardMessage.Refused(from, to, requestId, m.getReason(), m.getLeaderHint());
            }
            case NOTE -> new ForwardMessage.Note(from, to, requestId, wire.getNote().toByteArray());
            case KIND_NOT_SET -> throw new MalformedFrameException("forward of no kind");
        };
    }
}
