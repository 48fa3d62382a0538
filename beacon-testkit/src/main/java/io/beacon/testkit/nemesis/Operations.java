package io.beacon.testkit.nemesis;

import io.beacon.testkit.http.KeepAliveConnection;

import java.util.SplittableRandom;

/**
 * A workload of the nemesis: what its clients ask of the cluster and how each answer counts. Implementations are
 * shared by every client thread, so they are thread-safe.
 */
interface Operations {
    /** The workload's name, as {@code --workload} gives it. */
    String name();

    /** The next operation a client invokes. */
    Invocation next(SplittableRandom random);

    /**
     * Performs the operation through the connection and says how it ended: ok with what it returned, fail if it
     * certainly took no effect, info if it may have. Never throws.
     */
    Outcome perform(KeepAliveConnection connection, Invocation invocation);

    /** A final read of key (a register or a service), to run through every node once the faults are healed. */
    Invocation finalRead(String key);

    /** Every key the workload has used so far, in the order it first used them. */
    java.util.List<String> keys();

    /** An operation: f, the key it acts on, the value it sets or names, and what a compare-and-set expects. */
    record Invocation(String f, String key, String value, String expected) {
    }

    /**
     * How an operation ended, and its result: what a read or list returned (null: absent), or for an ok write,
     * cas, register or deregister the value it set or named.
     */
    record Outcome(HistoryEvent.Type type, String value) {
        static Outcome ok(String value) {
            return new Outcome(HistoryEvent.Type.OK, value);
        }

        static Outcome fail() {
            return new Outcome(HistoryEvent.Type.FAIL, null);
        }

        static Outcome info() {
            return new Outcome(HistoryEvent.Type.INFO, null);
        }

        /**
         * A request that got no answer: one never sent, or a read, certainly changed nothing; any other may have.
         */
        static Outcome unanswered(java.io.IOException error, boolean read) {
            return read || error instanceof KeepAliveConnection.NotSentException ? fail() : info();
        }

        /**
         * A write answered with an error status: a 4xx never applies, a 5xx may still, unless the server said it
         * will not.
         */
        static Outcome refusedWrite(int status, boolean saidNotApplied) {
            return status >= 500 && !saidNotApplied ? info() : fail();
        }
    }
}
