package io.beacon.testkit.sim;

import java.util.PriorityQueue;

/**
 * Virtual time for the simulator: events ordered by (time, sequence), so two events at the same instant
 * always run in the order they were scheduled. Time is in microseconds and only moves when an event runs.
 */
final class EventQueue {
    private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long now;
    private long nextSequence;

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        events.add(new Event(Math.max(time, now), nextSequence++, action));
    }

    void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** Runs the next event; returns false if there was none. */
    boolean runNext() {
        Event event = events.poll();
        if (event == null) {
            return false;
        }
        now = event.time();
        event.action().run();
        return true;
    }

    /** Time of the next event, or Long.MAX_VALUE. */
    long nextTime() {
        Event event = events.peek();
        return event == null ? Long.MAX_VALUE : event.time();
    }
}
