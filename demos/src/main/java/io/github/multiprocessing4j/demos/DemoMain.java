package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.internal.launch.AotCache;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command-line program behind {@code ./demo}: runs the talks' experiments on threads, virtual
 * threads and processes, beside CPython's {@code multiprocessing}, and writes tables, charts and a
 * Markdown report.
 *
 * <p>{@code ./demo all} runs every demo (about 3 minutes on 2 CPUs); {@code ./demo primes race} runs
 * two; {@code --size 0.1} makes every workload ten times smaller.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "multiprocessing4j demos 0.1.0",
        description = {"The experiments of the talks in ../shared/seeds, on threads, virtual threads and processes,",
            "side by side with CPython's multiprocessing. Writes a table per demo, a chart (PNG) and report.md."},
        footer = {"", "Demos: all, primes, fib, io, images, producer-consumer, race, isolation.",
            "Exit code: 0 when every check passed, 1 when a result was wrong or a demo could not run, "
                + "2 on bad arguments."})
public final class DemoMain implements Callable<Integer> {

    private static final Map<String, Demo> DEMOS = demos();

    /** The largest --size: 100 times the talks' workloads already runs for hours. */
    static final double MAX_SIZE = 100;

    /** The most workers: each may be a JVM. */
    static final int MAX_WORKERS = 64;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DEMO", description = "all, or one or more of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    List<String> names;

    @Option(names = "--size", defaultValue = "1.0",
            description = "scale of the workloads; 1.0 is the talks' size (default ${DEFAULT-VALUE})")
    double size;

    @Option(names = "--workers", description = "threads or processes per parallel variant (default: the CPU count, "
            + "at least 2)")
    Integer workers;

    @Option(names = "--out", defaultValue = "demo-results", description = "folder for charts and report.md "
            + "(default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--no-python", description = "do not run CPython's peer")
    boolean noPython;

    @Option(names = "--python-bench", defaultValue = "../shared/bench/python",
            description = "CPython peer benchmark folder (default ${DEFAULT-VALUE})")
    Path pythonBench;

    /**
     * Entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    static Map<String, Demo> demos() {
        Map<String, Demo> demos = new LinkedHashMap<>();
        for (Demo demo : List.of(new PrimesDemo(), new FibDemo(), new IoDemo(), new ImagesDemo(),
                new ProducerConsumerDemo(), new RaceDemo(), new IsolationDemo())) {
            demos.put(demo.name(), demo);
        }
        return demos;
    }

    /** The demo names, for the help text. */
    static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Names() {
            super(DEMOS.keySet());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Demo> chosen = choose(names);
        if (!(size > 0) || size > MAX_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--size must be a number above 0 and at most " + MAX_SIZE + " (1.0 is the talks' size), was " + size);
        }
        if (workers != null && (workers < 1 || workers > MAX_WORKERS)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be between 1 and "
                    + MAX_WORKERS + ", was " + workers);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out must be a folder, but " + out
                    + " is a file");
        }
        PrintStream console = System.out;
        int count = workers != null ? workers : Math.max(2, Multiprocessing.cpuCount());
        Files.createDirectories(out);
        Optional<Python> python = Optional.empty();
        if (!noPython) {
            python = Python.prepare(pythonBench, out.resolve("work"));
            if (python.isEmpty()) {
                console.println("CPython peer not found (python3 and " + pythonBench + "/bench.py): "
                        + "the CPython columns stay empty.");
            }
        }
        List<DemoResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (Progress progress = Progress.forConsole(console)) {
            DemoSettings settings = new DemoSettings(size, count, out, python, progress);
            console.println(Report.machine(settings, python.map(Python::version)));
            if (chosen.stream().anyMatch(d -> !(d instanceof IsolationDemo))) {
                // Worker JVMs start from an AOT cache that is trained in the background on first use; train it
                // now, so the first run's figures are not measured beside a training JVM.
                console.println("preparing the worker start-up cache (a few seconds, first run after a build only)");
                AotCache.ensure(ProcessOptions.builder().output(OutputSink.discard()).build());
            }
            for (Demo demo : chosen) {
                console.println();
                progress.begin(demo.name(), demo.steps(settings));
                DemoResult result;
                try {
                    result = demo.run(settings);
                } catch (DemoCheckException e) {
                    progress.end();
                    failures.add(demo.name() + ": " + e.getMessage());
                    console.println("CHECK FAILED in " + demo.name() + ": " + e.getMessage());
                    continue;
                } catch (Exception e) {
                    progress.end();
                    failures.add(demo.name() + " could not run: " + e);
                    console.println("ERROR in " + demo.name() + ": " + e);
                    e.printStackTrace(console);
                    continue;
                }
                progress.end();
                results.add(result);
                console.println(result.name() + ": " + result.title());
                console.print(Tables.text(result));
                for (String note : result.notes()) {
                    console.println("  * " + note);
                }
                console.println("chart: " + Charts.write(result, out));
            }
            Path report = Report.write(out, results, settings, python.map(Python::version));
            console.println();
            console.println("report: " + report);
        }
        if (!failures.isEmpty()) {
            console.println("Some results were wrong:");
            failures.forEach(f -> console.println("  " + f));
            return 1;
        }
        return 0;
    }

    private List<Demo> choose(List<String> requested) {
        List<Demo> chosen = new ArrayList<>();
        for (String name : requested) {
            if (name.equals("all")) {
                chosen.addAll(DEMOS.values());
            } else if (DEMOS.containsKey(name)) {
                chosen.add(DEMOS.get(name));
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown demo '" + name
                        + "'; expected all or one of " + String.join(", ", DEMOS.keySet()));
            }
        }
        return chosen.stream().distinct().toList();
    }
}
