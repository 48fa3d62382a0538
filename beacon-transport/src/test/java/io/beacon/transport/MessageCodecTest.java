package io.beacon.transport;

import com.google.protobuf.ByteString;
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
import io.beacon.transport.proto.LogEntry;
import io.beacon.transport.proto.RaftMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {
    private static final Configuration CONFIGURATION = Configuration.of(List.of(1L, 2L, 3L));

    static List<Message> oneOfEach() {
        return List.of(
                new RequestVote(5, 1, 2, 40, 4, true, false),
                new RequestVote(5, 1, 2, 40, 4, false, true),
                new RequestVoteResponse(5, 2, 1, true, true),
                new AppendEntries(5, 1, 2, 10, 4, List.of(Entry.command(11, 5, new byte[] {1, 2, 3}),
                        Entry.noop(12, 5), Entry.configuration(13, 5, CONFIGURATION)), 9),
                new AppendEntries(5, 1, 2, 10, 4, List.of(), 9),
                AppendEntriesResponse.accepted(5, 2, 1, 13),
                AppendEntriesResponse.rejected(5, 2, 1, 13, 7, 3),
                new Heartbeat(5, 1, 3, 12, 77),
                new HeartbeatResponse(5, 3, 1, 77),
                new TimeoutNow(5, 1, 2),
                new ReadIndexRequest(5, 2, 1, 123456789L),
                new ReadIndexResponse(5, 1, 2, 123456789L, 42, true),
                new InstallSnapshot(5, 1, 3, 1000, 4, CONFIGURATION, 65536, new byte[] {9, 8, 7}, true),
                new InstallSnapshotResponse(5, 3, 1, 1000, 65539, true));
    }

    @Test
    void everyMessageSurvivesTheRoundTrip() throws Exception {
        for (Message message : oneOfEach()) {
            RaftMessage wire = RaftMessage.parseFrom(MessageCodec.encode(message).toByteArray());
            assertThat(MessageCodec.decode(wire)).isEqualTo(message);
        }
    }

    @Test
    void forwardsSurviveTheRoundTrip() throws Exception {
        ForwardMessage.Proposal proposal = (ForwardMessage.Proposal) MessageCodec.decode(Forward.parseFrom(
                MessageCodec.encode(new ForwardMessage.Proposal(2, 1, 9, new byte[] {1, 2, 3})).toByteArray()));
        assertThat(proposal.from()).isEqualTo(2);
        assertThat(proposal.to()).isEqualTo(1);
        assertThat(proposal.requestId()).isEqualTo(9);
        assertThat(proposal.command()).containsExactly(1, 2, 3);
        ForwardMessage.Note note = (ForwardMessage.Note) MessageCodec.decode(Forward.parseFrom(
                MessageCodec.encode(new ForwardMessage.Note(2, 1, 5, new byte[] {7})).toByteArray()));
        assertThat(note.requestId()).isEqualTo(5);
        assertThat(note.body()).containsExactly(7);
        for (ForwardMessage answer : List.of(new ForwardMessage.Accepted(1, 2, 9, 100, 4),
                new ForwardMessage.Refused(1, 2, 9, "not the leader", 3))) {
            assertThat(MessageCodec.decode(Forward.parseFrom(MessageCodec.encode(answer).toByteArray())))
                    .isEqualTo(answer);
        }
    }

    @Test
    void aForwardOfNoKindOrWithoutIdsIsMalformed() {
        assertThatThrownBy(() -> MessageCodec.decode(Forward.newBuilder().setFrom(1).setTo(2).setRequestId(1).build()))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("no kind");
        assertThatThrownBy(() -> MessageCodec.decode(Forward.newBuilder().setFrom(1).setTo(2)
                .setProposal(ByteString.EMPTY).build()))
                .isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> MessageCodec.decode(Forward.newBuilder().setFrom(1).setTo(2).setRequestId(1)
                .setAccepted(io.beacon.transport.proto.ForwardAccepted.newBuilder().setTerm(1)).build()))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("index 0");
    }

    @Test
    void aMessageOfNoKindIsMalformed() {
        assertThatThrownBy(() -> MessageCodec.decode(RaftMessage.newBuilder().setTerm(1).setFrom(1).setTo(2).build()))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("no kind");
    }

    @Test
    void aMessageWithoutSenderOrAddresseeIsMalformed() {
        RaftMessage noSender = MessageCodec.encode(new TimeoutNow(1, 1, 2)).toBuilder().setFrom(0).build();
        assertThatThrownBy(() -> MessageCodec.decode(noSender)).isInstanceOf(MalformedFrameException.class);
        RaftMessage hugeTerm = MessageCodec.encode(new TimeoutNow(1, 1, 2)).toBuilder().setTerm(-1).build();
        assertThatThrownBy(() -> MessageCodec.decode(hugeTerm)).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void entriesWithAGapAreMalformed() {
        RaftMessage wire = MessageCodec.encode(new AppendEntries(5, 1, 2, 10, 4,
                List.of(Entry.command(11, 5, new byte[0])), 9));
        RaftMessage gap = wire.toBuilder().setAppendEntries(wire.getAppendEntries().toBuilder()
                .addEntries(LogEntry.newBuilder().setIndex(13).setTerm(5))).build();
        assertThatThrownBy(() -> MessageCodec.decode(gap))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("without gaps");
    }

    @Test
    void anUnknownEntryTypeOrIndexZeroIsMalformed() {
        RaftMessage wire = MessageCodec.encode(new AppendEntries(5, 1, 2, 0, 0, List.of(), 0));
        RaftMessage unknownType = wire.toBuilder().setAppendEntries(wire.getAppendEntries().toBuilder()
                .addEntries(LogEntry.newBuilder().setIndex(1).setTerm(5).setTypeValue(EntryType.values().length)))
                .build();
        assertThatThrownBy(() -> MessageCodec.decode(unknownType)).hasMessageContaining("unknown entry type");
        RaftMessage indexZero = wire.toBuilder().setAppendEntries(wire.getAppendEntries().toBuilder()
                .setPrevLogIndex(-1).addEntries(LogEntry.newBuilder().setIndex(0).setTerm(5))).build();
        assertThatThrownBy(() -> MessageCodec.decode(indexZero)).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void anUnreadableConfigurationIsMalformed() {
        RaftMessage wire = MessageCodec.encode(new InstallSnapshot(5, 1, 3, 1000, 4, CONFIGURATION, 0,
                new byte[0], false));
        RaftMessage garbage = wire.toBuilder().setInstallSnapshot(wire.getInstallSnapshot().toBuilder()
                .setConfiguration(ByteString.copyFrom(new byte[] {1, 2, 3}))).build();
        assertThatThrownBy(() -> MessageCodec.decode(garbage)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("INSTALL_SNAPSHOT");
    }
}
