package io.github.multiprocessing4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One figure of one trial, in the line format CPython's peer benchmark prints:
 * {@code name=value unit=u [key=value ...]}. Java trials print the same format, so both sides are
 * parsed by one reader.
 *
 * @param name the metric name, such as {@code start.spawn.process_first}
 * @param value the value
 * @param unit the unit, such as {@code ms} or {@code tasks/s}
 */
public record Measurement(String name, double value, String unit) {

    private static final Pattern LINE = Pattern.compile("^([\\w.\\-/]+)=([-+0-9.eE]+|nan|inf) unit=(\\S+).*$");

    /**
     * Parses one line.
     *
     * @param line a line of trial output
     * @return the measurement, or empty for comments and other lines
     */
    public static Optional<Measurement> parse(String line) {
        Matcher m = LINE.matcher(line.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Measurement(m.group(1), Double.parseDouble(m.group(2)), m.group(3)));
    }

    /**
     * Parses every measurement line of a trial's output.
     *
     * @param output the output
     * @return the measurements in order
     */
    public static List<Measurement> parseAll(String output) {
        List<Measurement> all = new ArrayList<>();
        for (String line : output.split("\n")) {
            parse(line).ifPresent(all::add);
        }
        return all;
    }

    /**
     * Prints a measurement line to standard output.
     *
     * @param name the metric name
     * @param value the value
     * @param unit the unit
     */
    public static void emit(String name, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%s=%.6g unit=%s", name, value, unit));
        System.out.flush();
    }
}
