package io.github.multiprocessing4j.demos;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One line of a demo's table: a workload run on one backend.
 *
 * @param workload what ran, such as {@code sum_primes x38}
 * @param backend how it ran, such as {@code serial} or {@code processes (work queue)}
 * @param workers how many threads or processes ran it
 * @param seconds the wall time on the JVM
 * @param python the wall time of CPython's peer for the same workload and parameters, if it ran
 * @param check what the correctness check found, such as {@code sum 79179308234 ok}
 */
public record Row(String workload, String backend, int workers, double seconds, OptionalDouble python, String check) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a text is null
     * @throws IllegalArgumentException if workers is below 1 or seconds is negative
     */
    public Row {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(check, "check");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("seconds must be zero or more, was " + seconds);
        }
    }

    /**
     * A row without a CPython figure.
     *
     * @param workload what ran
     * @param backend how it ran
     * @param workers how many workers
     * @param seconds the wall time
     * @param check what the check found
     * @return the row
     */
    public static Row of(String workload, String backend, int workers, double seconds, String check) {
        return new Row(workload, backend, workers, seconds, OptionalDouble.empty(), check);
    }

    /**
     * This row with CPython's figure.
     *
     * @param pythonSeconds CPython's wall time, or empty
     * @return the new row
     */
    public Row withPython(OptionalDouble pythonSeconds) {
        return new Row(workload, backend, workers, seconds, pythonSeconds, check);
    }
}
