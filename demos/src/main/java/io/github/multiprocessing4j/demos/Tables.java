package io.github.multiprocessing4j.demos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Renders a demo's rows as a text table for the terminal and as a Markdown table for the report. */
public final class Tables {

    private static final List<String> HEADER = List.of("workload", "backend", "workers", "wall time", "speedup",
            "CPython", "CPython speedup", "check");

    private Tables() {
    }

    /**
     * The rows as aligned text.
     *
     * @param result the demo's figures
     * @return the table, one line per row after a header
     */
    public static String text(DemoResult result) {
        List<List<String>> cells = cells(result);
        int[] widths = new int[HEADER.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            List<String> line = cells.get(r);
            for (int i = 0; i < line.size(); i++) {
                boolean numeric = i >= 2 && i <= 6;
                String cell = line.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                out.append(numeric ? pad + cell : cell + pad);
                out.append(i < line.size() - 1 ? "  " : "");
            }
            out.append(System.lineSeparator());
            if (r == 0) {
                out.append("-".repeat(java.util.Arrays.stream(widths).sum() + 2 * (widths.length - 1)))
                        .append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /**
     * The rows as a Markdown table.
     *
     * @param result the demo's figures
     * @return the table
     */
    public static String markdown(DemoResult result) {
        List<List<String>> cells = cells(result);
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", cells.getFirst())).append(" |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (List<String> line : cells.subList(1, cells.size())) {
            out.append("| ").append(String.join(" | ", line.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static List<List<String>> cells(DemoResult result) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row row : result.rows()) {
            OptionalDouble pySpeedup = result.pythonSpeedup(row);
            cells.add(List.of(row.workload(), row.backend(), Integer.toString(row.workers()), seconds(row.seconds()),
                    String.format(Locale.ROOT, "%.2fx", result.speedup(row)),
                    row.python().isPresent() ? seconds(row.python().getAsDouble()) : "-",
                    pySpeedup.isPresent() ? String.format(Locale.ROOT, "%.2fx", pySpeedup.getAsDouble()) : "-",
                    row.check()));
        }
        return cells;
    }

    /**
     * A duration for people: milliseconds below 10 s, seconds above.
     *
     * @param seconds the duration
     * @return such as {@code 593 ms} or {@code 15.9 s}
     */
    public static String seconds(double seconds) {
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%,.0f ms", seconds * 1000);
        }
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
