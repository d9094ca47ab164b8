package io.github.multiprocessing4j.demos;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What every demo is run with.
 *
 * @param size the scale of the workloads: 1.0 is the talks' size, smaller is faster
 * @param workers how many threads or processes the parallel variants use
 * @param out the folder the charts and the report go to
 * @param python CPython's peer benchmark, when python3 and ../shared/bench/python are present and
 *     not turned off
 * @param progress where progress goes
 */
public record DemoSettings(double size, int workers, Path out, Optional<Python> python, Progress progress) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if size is not positive or workers is below 1
     */
    public DemoSettings {
        if (!(size > 0) || Double.isInfinite(size)) {
            throw new IllegalArgumentException("--size must be a positive number (1.0 is the talks' size), was " + size);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, was " + workers);
        }
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * Scales a count by the size, never below a minimum.
     *
     * @param full the count at size 1.0
     * @param minimum the smallest count that still means something
     * @return the scaled count
     */
    public int scaled(int full, int minimum) {
        return (int) Math.max(minimum, Math.round(full * size));
    }
}
