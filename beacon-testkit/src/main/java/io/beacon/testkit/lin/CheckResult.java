// Owns: the overall and per-partition outcome of a linearizability check.
package io.beacon.testkit.lin;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The result of checking a history.
 *
 * @param verdict      NOT_LINEARIZABLE if any partition is not linearizable, else UNKNOWN if any is unknown, else
 *                     LINEARIZABLE
 * @param perPartition partition key (its {@code toString()}) to that partition's verdict
 * @param explanation  a printable summary; for failed partitions it includes the longest linearizable prefix found
 */
public record CheckResult(Verdict verdict, SortedMap<String, Verdict> perPartition, String explanation) {

    public CheckResult {
        if (verdict == null || perPartition == null || explanation == null) {
            throw new IllegalArgumentException("check result components must not be null");
        }
        perPartition = Collections.unmodifiableSortedMap(new TreeMap<>(perPartition));
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }
}
