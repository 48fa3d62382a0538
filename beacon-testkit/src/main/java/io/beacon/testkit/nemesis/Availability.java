// Owns: how available the cluster was to the clients: the share of completed operations that succeeded, overall and
// while the faults were within tolerance.
package io.beacon.testkit.nemesis;

import java.util.List;
import java.util.Locale;

/**
 * Counts of operations by outcome, for all operations and for those invoked while the faults were within tolerance
 * (no fault active, or every active fault tolerated: {@link FaultTimeline#withinTolerance}). Availability is the share
 * of completed operations (ok, fail or info) that were ok; operations never completed (cut off by the end of the
 * run) are counted but not in the share.
 *
 * @param all             every operation
 * @param withinTolerance the operations invoked while the faults were within tolerance
 */
public record Availability(Counts all, Counts withinTolerance) {

    /** Operations by outcome. */
    public record Counts(int ok, int fail, int info, int pending) {

        public int invoked() {
            return ok + fail + info + pending;
        }

        public int completed() {
            return ok + fail + info;
        }

        /** ok / completed, or NaN if nothing completed. */
        public double okShare() {
            return completed() == 0 ? Double.NaN : (double) ok / completed();
        }

        Counts plus(RecordedOperation.Outcome outcome) {
            return switch (outcome) {
                case OK -> new Counts(ok + 1, fail, info, pending);
                case FAIL -> new Counts(ok, fail + 1, info, pending);
                case INFO -> new Counts(ok, fail, info + 1, pending);
                case PENDING -> new Counts(ok, fail, info, pending + 1);
            };
        }

        /** e.g. {@code 97.50% ok of 19980 completed (19480 ok, 100 fail, 400 info; 20 never completed)}. */
        public String describe() {
            String share = completed() == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * okShare());
            return share + " ok of " + completed() + " completed (" + ok + " ok, " + fail + " fail, " + info
                + " info; " + pending + " never completed)";
        }
    }

    private static final Counts NONE = new Counts(0, 0, 0, 0);

    public static Availability of(List<RecordedOperation> operations, FaultTimeline faults) {
        Counts all = NONE;
        Counts tolerated = NONE;
        for (RecordedOperation operation : operations) {
            all = all.plus(operation.outcome());
            if (faults.withinTolerance(operation.invokeTime())) {
                tolerated = tolerated.plus(operation.outcome());
            }
        }
        return new Availability(all, tolerated);
    }

    /** Two lines for people; the second is the availability the issue asks for. */
    public String summary() {
        return "availability overall: " + all.describe() + "\n"
            + "availability within fault tolerance: " + withinTolerance.describe() + "\n";
    }
}
