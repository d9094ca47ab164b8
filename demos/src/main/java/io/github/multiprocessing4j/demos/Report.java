package io.github.multiprocessing4j.demos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** Writes the Markdown report of a run: the machine, then each demo's table, chart and notes. */
public final class Report {

    private Report() {
    }

    /**
     * Writes {@code report.md}.
     *
     * @param folder the output folder, which holds the charts
     * @param results the demos' figures, in the order they ran
     * @param settings what they ran with
     * @param pythonVersion CPython's version, when its peer ran
     * @return the report file
     * @throws IOException if it cannot be written
     */
    public static Path write(Path folder, List<DemoResult> results, DemoSettings settings,
            Optional<String> pythonVersion) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# multiprocessing4j: the talks, reproduced\n\n");
        md.append(machine(settings, pythonVersion)).append("\n\n");
        md.append("Wall times of one run. Speedups are against the first row of each workload, on the JVM and "
                + "on CPython separately. CPython figures come from `../shared/bench/python` run with the same "
                + "parameters in this invocation; `-` means it has no peer for that row.\n\n");
        for (DemoResult result : results) {
            md.append("## ").append(result.name()).append("\n\n").append(result.title()).append("\n\n");
            md.append(Tables.markdown(result)).append('\n');
            md.append("![").append(result.name()).append("](").append(result.name()).append(".png)\n\n");
            for (String note : result.notes()) {
                md.append("- ").append(note).append('\n');
            }
            if (!result.notes().isEmpty()) {
                md.append('\n');
            }
        }
        Path file = folder.resolve("report.md");
        Files.writeString(file, md, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * One line on the machine and the run.
     *
     * @param settings the run's settings
     * @param pythonVersion CPython's version, if it ran
     * @return the line
     */
    public static String machine(DemoSettings settings, Optional<String> pythonVersion) {
        return "Run " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs (" + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "), JDK " + Runtime.version() + ", "
                + pythonVersion.orElse("no CPython peer") + "; size " + settings.size() + ", "
                + settings.workers() + " workers.";
    }
}
