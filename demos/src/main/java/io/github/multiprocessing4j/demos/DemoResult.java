package io.github.multiprocessing4j.demos;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one demo measured: its rows, grouped by workload, and what the rows mean.
 *
 * <p>Within a workload the first row is the baseline: speedups are its time divided by a row's time,
 * on the JVM and on CPython separately.
 *
 * @param name the demo's command name, such as {@code primes}
 * @param title a one-line description with the parameters
 * @param rows the measurements, the baseline of each workload first
 * @param notes sentences that explain the figures
 */
public record DemoResult(String name, String title, List<Row> rows, List<String> notes) {

    /**
     * Copies the lists.
     *
     * @throws NullPointerException if an argument is null
     */
    public DemoResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    /**
     * The baseline row of a row's workload: the first row with the same workload.
     *
     * @param row a row of this result
     * @return its baseline
     */
    public Row baseline(Row row) {
        return rows.stream().filter(r -> r.workload().equals(row.workload())).findFirst().orElse(row);
    }

    /**
     * The JVM speedup of a row over its workload's baseline.
     *
     * @param row a row of this result
     * @return baseline time divided by the row's time
     */
    public double speedup(Row row) {
        return baseline(row).seconds() / Math.max(row.seconds(), 1e-9);
    }

    /**
     * CPython's speedup of a row over its workload's baseline, when both have a CPython figure.
     *
     * @param row a row of this result
     * @return CPython's baseline time divided by CPython's time for the row
     */
    public OptionalDouble pythonSpeedup(Row row) {
        OptionalDouble base = baseline(row).python();
        if (base.isEmpty() || row.python().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(base.getAsDouble() / Math.max(row.python().getAsDouble(), 1e-9));
    }
}
