package io.beacon.registry.lease;

import java.util.Map;

/**
 * The timeouts of one ephemeral instance's lease: Nacos's preserved metadata keys over its defaults. A value that is
 * not a whole number of milliseconds (digits only) falls back to the default, as in Nacos. Immutable.
 *
 * @param heartBeatTimeoutMillis  silence after which the instance is marked unhealthy
 * @param ipDeleteTimeoutMillis   silence after which the instance is removed
 * @param heartBeatIntervalMillis the beat interval the beat reply asks of the client
 */
public record LeaseTimeouts(long heartBeatTimeoutMillis, long ipDeleteTimeoutMillis, long heartBeatIntervalMillis) {
    public static final String HEART_BEAT_TIMEOUT = "preserved.heart.beat.timeout";
    public static final String IP_DELETE_TIMEOUT = "preserved.ip.delete.timeout";
    public static final String HEART_BEAT_INTERVAL = "preserved.heart.beat.interval";

    public static final long DEFAULT_HEART_BEAT_TIMEOUT_MILLIS = 15_000;
    public static final long DEFAULT_IP_DELETE_TIMEOUT_MILLIS = 30_000;
    public static final long DEFAULT_HEART_BEAT_INTERVAL_MILLIS = 5_000;

    public static final LeaseTimeouts DEFAULTS = new LeaseTimeouts(DEFAULT_HEART_BEAT_TIMEOUT_MILLIS,
            DEFAULT_IP_DELETE_TIMEOUT_MILLIS, DEFAULT_HEART_BEAT_INTERVAL_MILLIS);

    /** The timeouts an instance's metadata asks for. */
    public static LeaseTimeouts of(Map<String, String> metadata) {
        return new LeaseTimeouts(millis(metadata, HEART_BEAT_TIMEOUT, DEFAULT_HEART_BEAT_TIMEOUT_MILLIS),
                millis(metadata, IP_DELETE_TIMEOUT, DEFAULT_IP_DELETE_TIMEOUT_MILLIS),
                millis(metadata, HEART_BEAT_INTERVAL, DEFAULT_HEART_BEAT_INTERVAL_MILLIS));
    }

    private static long millis(Map<String, String> metadata, String key, long defaultMillis) {
        String value = metadata.get(key);
        if (value == null || value.isEmpty() || value.length() > 18
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return defaultMillis;
        }
        return Long.parseLong(value);
    }
}
