// Owns: the three possible outcomes of a linearizability check and how they combine.
package io.beacon.testkit.lin;

/** Outcome of a linearizability check. UNKNOWN means the search ran out of budget; it is never a pass. */
public enum Verdict {
    LINEARIZABLE("linearizable"),
    NOT_LINEARIZABLE("not-linearizable"),
    UNKNOWN("unknown");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** The lower-case label printed by the command line tool. */
    public String label() {
        return label;
    }

    /** Combines two verdicts: a failure dominates an unknown, which dominates a pass. */
    public Verdict combine(Verdict other) {
        return severity(this) >= severity(other) ? this : other;
    }

    private static int severity(Verdict verdict) {
        return switch (verdict) {
            case LINEARIZABLE -> 0;
            case UNKNOWN -> 1;
            case NOT_LINEARIZABLE -> 2;
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
