// Owns: turning a run's fault events into intervals (start to end) and notes, and saying when the faults were within
// tolerance. Shared by the availability count and the HTML timeline so both read the faults the same way.
package io.beacon.testkit.nemesis;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults of a run as intervals. An {@code end} closes the oldest open {@code start} of the same fault on the same
 * nodes, or failing that the oldest open start of the same fault; a start never ended lasts to the end of the run
 * ({@link #OPEN}); an end that closes nothing is kept as a note, as are the {@code note} events.
 */
public final class FaultTimeline {

    /** The end time of a fault that was never healed. */
    public static final long OPEN = Long.MAX_VALUE;

    /**
     * One fault from its start to its end.
     *
     * @param endDetail the end event's detail (e.g. how it was healed); null if never ended
     */
    public record Interval(String fault, List<Integer> nodes, String detail, boolean tolerated, long start, long end,
                           String endDetail) {

        public Interval {
            nodes = List.copyOf(nodes);
        }

        public boolean isActiveAt(long time) {
            return start <= time && time < end;
        }

        public boolean isHealed() {
            return end != OPEN;
        }
    }

    /** A note about a fault at one time (e.g. a node that refused to start on a damaged log). */
    public record Note(long time, String fault, List<Integer> nodes, String detail) {

        public Note {
            nodes = List.copyOf(nodes);
        }
    }

    private final List<Interval> intervals;
    private final List<Note> notes;

    private FaultTimeline(List<Interval> intervals, List<Note> notes) {
        this.intervals = List.copyOf(intervals);
        this.notes = List.copyOf(notes);
    }

    public static FaultTimeline of(List<FaultEvent> events) {
        List<FaultEvent> open = new ArrayList<>();
        List<Interval> intervals = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (FaultEvent event : events) {
            switch (event.phase()) {
                case START -> open.add(event);
                case NOTE -> notes.add(new Note(event.time(), event.fault(), event.nodes(), event.detail()));
                case END -> {
                    FaultEvent start = closeOldest(open, event);
                    if (start == null) {
                        notes.add(new Note(event.time(), event.fault(), event.nodes(),
                            "ended without a start: " + event.detail()));
                    } else {
                        intervals.add(new Interval(start.fault(), start.nodes(), start.detail(), start.tolerated(),
                            start.time(), Math.max(start.time(), event.time()), event.detail()));
                    }
                }
            }
        }
        for (FaultEvent start : open) {
            intervals.add(new Interval(start.fault(), start.nodes(), start.detail(), start.tolerated(),
                start.time(), OPEN, null));
        }
        intervals.sort((left, right) -> Long.compare(left.start(), right.start()));
        return new FaultTimeline(intervals, notes);
    }

    private static FaultEvent closeOldest(List<FaultEvent> open, FaultEvent end) {
        FaultEvent sameFault = null;
        for (FaultEvent start : open) {
            if (!start.fault().equals(end.fault())) {
                continue;
            }
            if (start.nodes().equals(end.nodes())) {
                open.remove(start);
                return start;
            }
            if (sameFault == null) {
                sameFault = start;
            }
        }
        if (sameFault != null) {
            open.remove(sameFault);
        }
        return sameFault;
    }

    /** Intervals sorted by start time. */
    public List<Interval> intervals() {
        return intervals;
    }

    public List<Note> notes() {
        return notes;
    }

    /** The fault names in order of first start (one lane each in the timeline). */
    public List<String> faultNames() {
        List<String> names = new ArrayList<>();
        for (Interval interval : intervals) {
            if (!names.contains(interval.fault())) {
                names.add(interval.fault());
            }
        }
        for (Note note : notes) {
            if (!names.contains(note.fault())) {
                names.add(note.fault());
            }
        }
        return names;
    }

    /** True if at {@code time} no fault is active, or every active one is tolerated (a majority up and connected). */
    public boolean withinTolerance(long time) {
        for (Interval interval : intervals) {
            if (interval.start() > time) {
                break; // sorted by start
            }
            if (interval.isActiveAt(time) && !interval.tolerated()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "FaultTimeline" + intervals + notes;
    }
}
