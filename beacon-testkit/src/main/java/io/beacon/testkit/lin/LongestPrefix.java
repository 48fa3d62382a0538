// Owns: the debugging record of a failed search: the deepest linearization reached and where it got stuck.
package io.beacon.testkit.lin;

import java.util.List;

/**
 * The longest linearizable prefix the search found, the model state after it, the operations that were candidates to
 * come next, and the operation whose return was reached before any of them could be linearized.
 */
record LongestPrefix<I, O>(List<Operation<I, O>> prefix, Object stateAfter, List<Operation<I, O>> candidates,
                           Operation<I, O> deadline, int totalOperations) {

    private static final int SHOWN_PREFIX_OPERATIONS = 20;

    String describe(String indent) {
        StringBuilder text = new StringBuilder();
        text.append(indent).append("longest linearizable prefix: ").append(prefix.size())
            .append(" of ").append(totalOperations).append(" operations");
        int skipped = Math.max(0, prefix.size() - SHOWN_PREFIX_OPERATIONS);
        if (skipped > 0) {
            text.append(" (first ").append(skipped).append(" not shown)");
        }
        text.append('\n');
        for (int index = skipped; index < prefix.size(); index++) {
            text.append(indent).append("  ").append(index + 1).append(". ").append(prefix.get(index).describe())
                .append('\n');
        }
        text.append(indent).append("model state after the prefix: ").append(stateAfter).append('\n');
        text.append(indent).append("after it the model rejects each operation that could come next:\n");
        for (Operation<I, O> candidate : candidates) {
            text.append(indent).append("  ").append(candidate.describe()).append('\n');
        }
        if (deadline != null) {
            text.append(indent).append("before this operation returned: ").append(deadline.describe()).append('\n');
        }
        return text.toString();
    }
}
