package io.github.multiprocessing4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the measurements of repeated trials and prints medians side by side with the Python
 * figure and their ratio.
 */
final class Report {

    /** A row: our metric against Python's, and whether larger is better. */
    record Row(String label, String javaMetric, String pythonMetric, boolean higherIsBetter) {
    }

    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    void add(List<Measurement> measurements, String prefix) {
        for (Measurement m : measurements) {
            values.computeIfAbsent(prefix + m.name(), k -> new ArrayList<>()).add(m.value());
            units.put(prefix + m.name(), m.unit());
        }
    }

    void row(String label, String javaMetric, String pythonMetric, boolean higherIsBetter) {
        rows.add(new Row(label, javaMetric, pythonMetric, higherIsBetter));
    }

    double median(String metric) {
        List<Double> list = values.get(metric);
        if (list == null || list.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    String range(String metric) {
        List<Double> list = values.get(metric);
        if (list == null || list.size() < 2) {
            return "";
        }
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return "[" + format(sorted[0]) + ".." + format(sorted[sorted.length - 1]) + "]";
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| measurement | multiprocessing4j | CPython multiprocessing | ratio |\n");
        out.append("|---|---:|---:|---:|\n");
        for (Row row : rows) {
            double ours = median("java:" + row.javaMetric());
            String unit = units.getOrDefault("java:" + row.javaMetric(), "");
            double theirs = row.pythonMetric() == null ? Double.NaN : median("python:" + row.pythonMetric());
            String ratio = "";
            if (!Double.isNaN(ours) && !Double.isNaN(theirs) && ours > 0 && theirs > 0) {
                double factor = row.higherIsBetter() ? ours / theirs : theirs / ours;
                ratio = String.format(Locale.ROOT, "%.2fx %s", factor >= 1 ? factor : 1 / factor,
                        factor >= 1 ? "better" : "worse");
            }
            out.append("| ").append(row.label()).append(" | ")
                    .append(format(ours)).append(' ').append(unit).append(' ').append(range("java:" + row.javaMetric()))
                    .append(" | ").append(Double.isNaN(theirs) ? "-" : format(theirs) + " " + unit + " "
                            + range("python:" + row.pythonMetric()))
                    .append(" | ").append(ratio).append(" |\n");
        }
        return out.toString();
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Math.abs(value) >= 100_000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    @Override
    public String toString() {
        return markdown() + Arrays.toString(values.keySet().toArray());
    }
}
