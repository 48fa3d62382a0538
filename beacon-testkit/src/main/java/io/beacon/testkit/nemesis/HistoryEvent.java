package io.beacon.testkit.nemesis;

import java.util.Locale;

/**
 * One line of a nemesis run's history ({@code history.jsonl}): a client process invoking an operation, or its
 * completion. {@code f} is the operation ({@code read}, {@code write}, {@code cas} on the kv workload;
 * {@code register}, {@code deregister}, {@code list} on the registry workload); {@code key} the register or service
 * it acts on; {@code value} what a write or cas sets, what a register or deregister names, or on completion what a
 * read or list returned (null: absent, or nothing returned); {@code expected} what a cas compares with. Times are
 * nanoseconds of the nemesis JVM's monotonic clock since the run started, the same clock as {@link FaultEvent}'s.
 * A completion is {@code ok} (it took effect and returned), {@code fail} (it certainly took no effect) or
 * {@code info} (unknown: a timeout, a reset connection, a 503 whose outcome is unknown).
 */
public record HistoryEvent(int process, Type type, String f, String key, String value, String expected, long time) {

    public enum Type {
        INVOKE, OK, FAIL, INFO;

        /** The name in the history file: lower case, as Jepsen writes it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
