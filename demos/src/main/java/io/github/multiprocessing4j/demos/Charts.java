package io.github.multiprocessing4j.demos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Draws a demo's wall times as a bar chart (PNG, with XChart): the JVM beside CPython for every row. */
public final class Charts {

    private Charts() {
    }

    /**
     * Writes the chart.
     *
     * @param result the demo's figures
     * @param folder where to write
     * @return the file written, {@code <demo>.png}
     * @throws IOException if it cannot be written
     */
    public static Path write(DemoResult result, Path folder) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> jvm = new ArrayList<>();
        List<Double> python = new ArrayList<>();
        boolean anyPython = false;
        for (Row row : result.rows()) {
            labels.add(label(result, row));
            jvm.add(row.seconds() * 1000);
            python.add(row.python().isPresent() ? row.python().getAsDouble() * 1000 : 0.0);
            anyPython |= row.python().isPresent();
        }
        double smallest = java.util.stream.Stream.concat(jvm.stream(), python.stream()).filter(v -> v > 0)
                .mapToDouble(Double::doubleValue).min().orElse(1);
        double largest = java.util.stream.Stream.concat(jvm.stream(), python.stream()).mapToDouble(Double::doubleValue)
                .max().orElse(1);
        // a log axis only labels whole decades: use it when the bars span more than one
        boolean log = largest / smallest >= 20;
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(900, 170 * labels.size())).height(600)
                .title(result.name() + ": wall time (ms" + (log ? ", log scale" : "") + "; lower is better)")
                .xAxisTitle("").yAxisTitle("ms").build();
        org.knowm.xchart.style.CategoryStyler styler = chart.getStyler();
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setLabelsVisible(false);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        double floor = log ? smallest / 2 : 0;
        styler.setYAxisMin(floor);
        chart.addSeries("multiprocessing4j (JVM)", labels, atLeast(jvm, floor));
        if (anyPython) {
            chart.addSeries("CPython multiprocessing", labels, atLeast(python, floor));
        }
        Path file = folder.resolve(result.name() + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static String label(DemoResult result, Row row) {
        boolean oneWorkload = result.rows().stream().map(Row::workload).distinct().count() == 1;
        return oneWorkload ? row.backend() : row.workload() + ": " + row.backend();
    }

    /** A log axis cannot draw zero: a missing figure becomes a bar at the axis' floor, which is not seen. */
    private static List<Double> atLeast(List<Double> values, double floor) {
        return values.stream().map(v -> Math.max(v, floor)).toList();
    }
}
