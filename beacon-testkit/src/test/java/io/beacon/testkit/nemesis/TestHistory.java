// Owns: a terse way for tests to write histories with explicit times, through the real HistoryLog.
package io.beacon.testkit.nemesis;

import java.util.List;

/** Builds a history through {@link HistoryLog} with a clock the test sets at each call. */
final class TestHistory {

    private long now;
    private final HistoryLog log = HistoryLog.inMemory(() -> now);

    TestHistory invoke(long time, int process, String f, String key, String value, String expected) {
        now = time;
        log.invoke(process, f, key, value, expected);
        return this;
    }

    TestHistory invoke(long time, int process, String f, String key, String value) {
        return invoke(time, process, f, key, value, null);
    }

    TestHistory ok(long time, int process, String value) {
        now = time;
        log.ok(process, value);
        return this;
    }

    TestHistory fail(long time, int process) {
        now = time;
        log.fail(process);
        return this;
    }

    TestHistory info(long time, int process) {
        now = time;
        log.info(process);
        return this;
    }

    /** A whole operation that returned ok. */
    TestHistory op(int process, String f, String key, String value, String expected, long invoke, long complete,
                   String result) {
        return invoke(invoke, process, f, key, value, expected).ok(complete, process, result);
    }

    List<HistoryEvent> events() {
        return log.events();
    }

    List<RecordedOperation> operations() {
        return RecordedOperation.pair(log.events());
    }
}
