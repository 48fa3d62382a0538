// Owns: the verdict of one partition, the search effort spent, and a printable detail.
package io.beacon.testkit.lin;

/** Result of searching one partition; {@code detail} is empty for a linearizable partition. */
record PartitionOutcome(Verdict verdict, long steps, int operations, String detail) {
}
