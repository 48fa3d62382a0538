package io.beacon.raft;

/** What a log entry carries. */
public enum EntryType {
    /** A command for the state machine, proposed by a client. */
    COMMAND,
    /** The empty entry a new leader appends so that it can commit entries of earlier terms (§3.6.2). */
    NOOP,
    /** A new cluster configuration ({@link Configuration#encode()}); in force from the moment it is appended (§4.1). */
    CONFIGURATION
}
