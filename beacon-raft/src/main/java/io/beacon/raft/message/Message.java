package io.beacon.raft.message;

/**
 * Everything one Raft node says to another. Each message carries the sender's term (for a pre-vote
 * request, the term the sender would campaign in), its sender and its addressee; node ids are positive
 * and {@code 0} means "none".
 *
 * <p>The family is sealed so that the core and the transport can switch over it exhaustively.
 */
public sealed interface Message
        permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, Heartbeat,
        HeartbeatResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse, InstallSnapshot,
        InstallSnapshotResponse {

    long term();

    long from();

    long to();
}
