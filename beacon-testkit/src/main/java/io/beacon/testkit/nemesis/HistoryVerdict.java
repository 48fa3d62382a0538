// Owns: the outcome of checking a nemesis history: the verdict of each key and of the whole run.
package io.beacon.testkit.nemesis;

import io.beacon.testkit.lin.Verdict;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The verdict of every key (register or service) and of the run: not linearizable if any key is, else unknown if any
 * key's search ran out of budget, else linearizable.
 *
 * @param workload the workload whose model was used
 * @param verdict  the run's verdict
 * @param keys     each key's verdict, sorted by key
 */
public record HistoryVerdict(WorkloadKind workload, Verdict verdict, SortedMap<String, KeyVerdict> keys) {

    /**
     * One key's verdict.
     *
     * @param operations    operations checked (failed ones are not: they had no effect)
     * @param indeterminate of those, the ones whose outcome is unknown
     * @param explanation   the checker's explanation when not linearizable (with the longest linearizable prefix) or
     *                      unknown (which budget ran out); empty when linearizable
     */
    public record KeyVerdict(String key, Verdict verdict, int operations, int indeterminate, String explanation) {
    }

    public HistoryVerdict {
        keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
        Verdict combined = keys.values().stream().map(KeyVerdict::verdict)
            .reduce(Verdict.LINEARIZABLE, Verdict::combine);
        if (combined != verdict) {
            throw new IllegalArgumentException("run verdict " + verdict + " disagrees with its keys' " + combined);
        }
    }

    /** Builds the verdict of a run from its keys' verdicts. */
    public static HistoryVerdict of(WorkloadKind workload, SortedMap<String, KeyVerdict> keys) {
        Verdict combined = keys.values().stream().map(KeyVerdict::verdict)
            .reduce(Verdict.LINEARIZABLE, Verdict::combine);
        return new HistoryVerdict(workload, combined, keys);
    }

    /** How many keys have this verdict. */
    public long count(Verdict which) {
        return keys.values().stream().filter(key -> key.verdict() == which).count();
    }

    /** The keys that are not linearizable or unknown, not linearizable first, then by key. */
    public List<KeyVerdict> unsettled() {
        return keys.values().stream().filter(key -> key.verdict() != Verdict.LINEARIZABLE)
            .sorted((left, right) -> left.verdict() == right.verdict() ? left.key().compareTo(right.key())
                : left.verdict() == Verdict.NOT_LINEARIZABLE ? -1 : 1)
            .toList();
    }

    /** One line, e.g. {@code not-linearizable: 40 keys, 39 linearizable, 1 not-linearizable, 0 unknown}. */
    public String summary() {
        return verdict.label() + ": " + keys.size() + " keys, " + count(Verdict.LINEARIZABLE) + " linearizable, "
            + count(Verdict.NOT_LINEARIZABLE) + " not-linearizable, " + count(Verdict.UNKNOWN) + " unknown";
    }
}
