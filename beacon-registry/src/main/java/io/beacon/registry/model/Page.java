package io.beacon.registry.model;

import java.util.List;

/** One page of a sorted listing, with the count of the whole listing. Immutable. */
public record Page<T>(int totalCount, List<T> items) {
    public Page {
        items = List.copyOf(items);
    }

    /**
     * Page {@code pageNo} (from 1) of {@code pageSize} items of a sorted list. A page past the end is empty;
     * a pageNo below 1 reads as 1, a pageSize below 1 gives an empty page.
     */
    public static <T> Page<T> of(List<T> all, int pageNo, int pageSize) {
        if (pageSize < 1) {
            return new Page<>(all.size(), List.of());
        }
        long start = (long) (Math.max(pageNo, 1) - 1) * pageSize;
        if (start >= all.size()) {
            return new Page<>(all.size(), List.of());
        }
        int end = (int) Math.min(all.size(), start + pageSize);
        return new Page<>(all.size(), all.subList((int) start, end));
    }
}
