package io.beacon.bench.peers;

import java.util.Locale;

/**
 * How the report writes numbers: thousands grouped with commas, and as many decimals as the size of the number
 * warrants unless a table fixes them.
 */
final class Numbers {
    private Numbers() {
    }

    /**
     * A figure with the given number of decimals, or, when decimals is negative, with as many as it warrants:
     * none for a whole number or one of 100 or more (rates), one from 10, two below 10 (milliseconds).
     */
    static String figure(double value, int decimals) {
        return fixed(value, decimals >= 0 ? decimals : autoDecimals(value));
    }

    /** A ratio of two figures, always with two decimals. */
    static String ratio(double value) {
        return fixed(value, 2);
    }

    /** A tick label on an axis whose ticks are step apart: just enough decimals to tell the ticks apart. */
    static String tick(double value, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return fixed(value, Math.min(decimals, 6));
    }

    static int autoDecimals(double value) {
        double magnitude = Math.abs(value);
        if (value == Math.rint(value) || magnitude >= 100) {
            return 0;
        }
        return magnitude >= 10 ? 1 : 2;
    }

    private static String fixed(double value, int decimals) {
        String text = String.format(Locale.ROOT, "%,." + decimals + "f", value);
        return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
    }
}
