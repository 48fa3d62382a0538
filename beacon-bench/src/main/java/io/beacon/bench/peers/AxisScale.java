package io.beacon.bench.peers;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear value axis with round ticks (1, 2 or 5 times a power of ten apart) that always includes zero, so that
 * bars start from it.
 *
 * @param low  the value at the bottom of the axis, a tick
 * @param high the value at the top of the axis, a tick
 * @param step the distance between two ticks
 */
record AxisScale(double low, double high, double step) {
    private static final int TARGET_TICKS = 5;

    /** The axis for values between min and max (in either order of sign); an empty range gets 0 to 1. */
    static AxisScale covering(double min, double max) {
        double low = Math.min(0, min);
        double high = Math.max(0, max);
        if (!(high > low)) {
            return new AxisScale(0, 1, 0.2);
        }
        double rough = (high - low) / TARGET_TICKS;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double residual = rough / power;
        double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * power;
        return new AxisScale(Math.floor(low / step) * step, Math.ceil(high / step) * step, step);
    }

    /** The tick values from low to high. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long count = Math.round((high - low) / step);
        for (long i = 0; i <= count; i++) {
            double tick = low + i * step;
            ticks.add(Math.abs(tick) < step * 1e-9 ? 0 : tick);
        }
        return ticks;
    }

    /** Where value falls, as a fraction from 0 (low) to 1 (high). */
    double fraction(double value) {
        return (value - low) / (high - low);
    }
}
