package io.beacon.raft;

/** What a log entry carries. */
public enum EntryType {
    /** A command for the state machine, proposed by a client. */
    COMMAND,
    /** The empty entry a new leader appends so that it can commit entries of earlier terms (§3.6.2). */
    NOOP
}
