package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.internal.launch.AotCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The side-by-side benchmark: runs each measurement as a fresh Java process and as CPython's
 * {@code multiprocessing} peer ({@code ../shared/bench/python}), alternating, and prints medians
 * with ratios. Run it with {@code ./run-bench} from the repository root.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.Compare.class, BenchMain.Trial.class},
        description = "multiprocessing4j against CPython multiprocessing, side by side")
public final class BenchMain implements Callable<Integer> {

    /**
     * Entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Runs one Java trial in this JVM and prints its measurement lines. */
    @Command(name = "trial", description = "one Java trial, printing name=value lines (used by compare)")
    static final class Trial implements Callable<Integer> {
        @Parameters(index = "0", description = "start")
        String group;

        @Parameters(index = "1", arity = "0..1", description = "variant, for start: aot or noaot")
        String variant;

        @Override
        public Integer call() throws Exception {
            switch (group) {
                case "start" -> StartTrial.run(!"noaot".equals(variant));
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown group " + group);
            }
            return 0;
        }
    }

    /** Runs Java and Python trials alternately and prints the comparison. */
    @Command(name = "compare", description = "Java and CPython side by side, in this invocation")
    static final class Compare implements Callable<Integer> {
        @Option(names = "--reps", defaultValue = "3", description = "trials of each side (default ${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--python-bench", defaultValue = "../shared/bench/python",
                description = "CPython peer benchmark folder (default ${DEFAULT-VALUE})")
        Path pythonBench;

        @Option(names = "--out", defaultValue = "bench/target/results", description = "report folder")
        Path out;

        @Parameters(arity = "0..*", description = "groups to run: start (default: all)")
        List<String> groups = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (groups.isEmpty()) {
                groups = List.of("start");
            }
            Files.createDirectories(out);
            Optional<PythonPeer> python = PythonPeer.prepare(pythonBench.toAbsolutePath(), out.toAbsolutePath());
            if (python.isEmpty()) {
                System.out.println("note: no CPython peer at " + pythonBench + " (or no python3): Java figures only");
            }
            StringBuilder markdown = new StringBuilder();
            markdown.append("# multiprocessing4j vs CPython multiprocessing\n\n")
                    .append("Run ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
                    .append(", ").append(Multiprocessing.cpuCount()).append(" CPUs, Java ")
                    .append(Runtime.version()).append(python.isPresent() ? ", " + python.get().version() : "")
                    .append(", medians of ").append(reps).append(" alternating trials [min..max].\n\n");
            for (String group : groups) {
                Report report = new Report();
                switch (group) {
                    case "start" -> start(report, python);
                    default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown group " + group);
                }
                String table = report.markdown();
                System.out.println();
                System.out.println("## " + group);
                System.out.println(table);
                markdown.append("## ").append(group).append("\n\n").append(table).append('\n');
            }
            Path file = out.resolve("bench-results.md");
            Files.writeString(file, markdown.toString(), StandardCharsets.UTF_8);
            System.out.println("report: " + file);
            return 0;
        }

        private void start(Report report, Optional<PythonPeer> python) throws Exception {
            Optional<Path> cache = AotCache.ensure(ProcessOptions.builder().output(
                    io.github.multiprocessing4j.OutputSink.discard()).build());
            System.out.println("AOT cache: " + cache.map(Path::toString).orElse("not possible with this class path"));
            for (int rep = 1; rep <= reps; rep++) {
                System.out.println("start: trial " + rep + "/" + reps);
                report.add(JavaTrialRunner.run("start", "aot"), "java:");
                report.add(JavaTrialRunner.run("start", "noaot"), "java:");
                if (python.isPresent()) {
                    report.add(python.get().trial(Map.of(), 300, "start", "spawn"), "python:");
                }
            }
            report.row("first process: start + join (ms), AOT cache", "start.aot.process_first",
                    "start.spawn.process_first", false);
            report.row("first process: start + join (ms), no AOT cache", "start.noaot.process_first",
                    "start.spawn.process_first", false);
            report.row("process start + join, mean of 20 (ms), AOT cache", "start.aot.process_start_join",
                    "start.spawn.process_start_join", false);
            report.row("process start + join, mean of 20 (ms), no AOT cache", "start.noaot.process_start_join",
                    "start.spawn.process_start_join", false);
            report.row("worker ready: launch to handshake (ms), AOT cache", "start.aot.worker_ready", null, false);
            report.row("worker ready: launch to handshake (ms), no AOT cache", "start.noaot.worker_ready", null, false);
        }
    }
}
