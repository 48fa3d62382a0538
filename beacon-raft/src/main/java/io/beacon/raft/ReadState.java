package io.beacon.raft;

/**
 * The outcome of a {@link RaftNode#readIndex(long)} request. When granted, a read that the caller serves
 * from its state machine once it has applied readIndex is linearizable. When not granted, this node could
 * not confirm a leader's authority (it lost leadership, or knows no leader) and the caller should retry.
 */
public record ReadState(long context, long readIndex, boolean granted) {
    public static ReadState granted(long context, long readIndex) {
        return new ReadState(context, readIndex, true);
    }

    public static ReadState rejected(long context) {
        return new ReadState(context, 0, false);
    }
}
