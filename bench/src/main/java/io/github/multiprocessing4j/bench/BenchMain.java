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
        @Parameters(index = "0", description = "start, pool, apply, map, primes, queue, value or manager")
        String group;

        @Parameters(index = "1", arity = "0..1", description = "variant, for start: aot or noaot")
        String variant;

        @Override
        public Integer call() throws Exception {
            switch (group) {
                case "start" -> StartTrial.run(!"noaot".equals(variant));
                case "pool", "apply", "map", "primes" -> PoolTrial.run(group);
                case "queue" -> QueueTrial.run();
                case "value" -> ValueTrial.run();
                case "manager" -> ManagerTrial.run();
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

        @Option(names = "--map-n", defaultValue = "1000000",
                description = "items per map at each chunk size, both sides (default ${DEFAULT-VALUE})")
        int mapN;

        @Parameters(arity = "0..*", description = "groups to run: start, pool, apply, map, primes, queue, value, manager (default: all)")
        List<String> groups = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (groups.isEmpty()) {
                groups = List.of("start", "pool", "apply", "map", "primes", "queue", "value", "manager");
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
            if (groups.stream().anyMatch(g -> !g.equals("start"))) {
                // the pool groups measure workers as users run them: with the AOT cache in place
                AotCache.ensure(ProcessOptions.builder().output(io.github.multiprocessing4j.OutputSink.discard()).build());
            }
            for (String group : groups) {
                Report report = new Report();
                switch (group) {
                    case "start" -> start(report, python);
                    case "pool" -> pool(report, python);
                    case "apply" -> apply(report, python);
                    case "map" -> map(report, python);
                    case "primes" -> primes(report, python);
                    case "queue" -> queue(report, python);
                    case "value" -> value(report, python);
                    case "manager" -> manager(report, python);
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
    
        /** Runs {@code reps} Java trials and CPython trials, alternating, into {@code report}. */
        private void alternate(String group, Report report, Optional<PythonPeer> python, String[] javaArgs,
                Map<String, String> pythonEnvironment, long pythonTimeoutSeconds, String... pythonArgs) throws Exception {
            for (int rep = 1; rep <= reps; rep++) {
                System.out.println(group + ": trial " + rep + "/" + reps);
                report.add(JavaTrialRunner.run(javaArgs), "java:");
                if (python.isPresent()) {
                    report.add(python.get().trial(pythonEnvironment, pythonTimeoutSeconds, pythonArgs), "python:");
                }
            }
        }

        private void pool(Report report, Optional<PythonPeer> python) throws Exception {
            alternate("pool", report, python, new String[] {"pool"}, Map.of(), 300, "start", "spawn");
            report.row("pool of 2: create to first apply result (ms)", "pool.pool2_first_apply",
                    "start.spawn.pool2_first_apply", false);
            report.row("pool of 2: close and join (ms)", "pool.pool2_close_join", "start.spawn.pool2_close_join", false);
        }

        private void apply(Report report, Optional<PythonPeer> python) throws Exception {
            alternate("apply", report, python, new String[] {"apply"}, Map.of(), 600, "apply", "spawn");
            report.row("sequential apply round trip, mean (us)", "apply.pool_apply", "apply.spawn.pool_apply", false);
            report.row("sequential apply round trip, p50 (us)", "apply.pool_apply_p50", "apply.spawn.pool_apply_p50",
                    false);
            report.row("sequential apply round trip, p99 (us)", "apply.pool_apply_p99", "apply.spawn.pool_apply_p99",
                    false);
        }

        private void map(Report report, Optional<PythonPeer> python) throws Exception {
            Map<String, String> sizes = Map.of("PYB_MAP_N_CS1", Integer.toString(mapN),
                    "PYB_MAP_N_CS100", Integer.toString(mapN), "PYB_MAP_N_CS10000", Integer.toString(mapN));
            alternate("map", report, python, new String[] {"map", "-Dbench.map.n=" + mapN}, sizes, 1800, "map",
                    "spawn");
            for (String cs : List.of("1", "100", "10000")) {
                report.row("map of x+1 over " + mapN + " ints, chunk size " + cs + " (tasks/s)", "map.cs" + cs,
                        "map.spawn.cs" + cs, true);
            }
        }

        private void queue(Report report, Optional<PythonPeer> python) throws Exception {
            for (int rep = 1; rep <= reps; rep++) {
                System.out.println("queue: trial " + rep + "/" + reps);
                report.add(JavaTrialRunner.run("queue"), "java:");
                if (python.isPresent()) {
                    for (String kind : List.of("queue", "simplequeue", "pipe")) {
                        report.add(python.get().trial(Map.of(), 900, "queue", "spawn", kind), "python:");
                    }
                    report.add(python.get().trial(Map.of(), 300, "pingpong", "spawn"), "python:");
                }
            }
            for (String[] size : new String[][] {{"int", "small ints", "items/s"}, {"1KiB", "1 KiB byte arrays", "items/s"},
                    {"1MiB", "1 MiB byte arrays", "MB/s"}}) {
                String unit = size[2].equals("MB/s") ? ".MBps" : "";
                String label = size[1] + " (" + size[2] + ")";
                String queue = "queue." + size[0];
                report.row("1 producer process -> parent, " + label + ", first round vs mp.Queue", queue + unit,
                        "queue.spawn.queue." + size[0] + unit, true);
                report.row("  same, JIT-warm steady state vs mp.Queue", queue + ".warm" + unit,
                        "queue.spawn.queue." + size[0] + unit, true);
                report.row("  same, JIT-warm steady state vs mp.SimpleQueue", queue + ".warm" + unit,
                        "queue.spawn.simplequeue." + size[0] + unit, true);
                report.row("  Pipe send/recv, first round vs mp.Pipe", "pipe." + size[0] + unit,
                        "queue.spawn.pipe." + size[0] + unit, true);
                report.row("  Pipe send/recv, JIT-warm vs mp.Pipe", "pipe." + size[0] + ".warm" + unit,
                        "queue.spawn.pipe." + size[0] + unit, true);
                report.row("  2 producer + 2 consumer processes, first round", "queue2x2." + size[0] + unit, null, true);
                report.row("  2 producer + 2 consumer processes, JIT-warm", "queue2x2." + size[0] + ".warm" + unit, null,
                        true);
                report.row("  bare shared-memory ring (the machine's limit), JIT-warm", "ring." + size[0] + ".warm" + unit,
                        null, true);
                report.row("  queue steady state as a share of the bare ring (%)", queue + ".warm_of_ring", null, true);
            }
            report.row("one-way latency through a queue, p50 (us)", "queue.latency.one_way_p50", null, false);
            report.row("one-way latency through a queue, p99 (us)", "queue.latency.one_way_p99", null, false);
            report.row("queue round trip (put, take, put back, take), p50 (us)", "queue.latency.rtt_p50", null, false);
            report.row("queue round trip, p99 (us)", "queue.latency.rtt_p99", null, false);
            report.row("1-byte pipe ping-pong round trip, p50 (us)", "pingpong.pipe_rtt_p50",
                    "pingpong.spawn.pipe_rtt_p50", false);
            report.row("1-byte pipe ping-pong round trip, p99 (us)", "pingpong.pipe_rtt_p99",
                    "pingpong.spawn.pipe_rtt_p99", false);
        }

        private void value(Report report, Optional<PythonPeer> python) throws Exception {
            alternate("value", report, python, new String[] {"value"}, Map.of(), 900, "value", "spawn");
            report.row("2 processes increment a shared long under its lock, first round (incr/s)", "value.lock",
                    "value.spawn.lock", true);
            report.row("  same, JIT-warm steady state (incr/s)", "value.lock.warm", "value.spawn.lock", true);
            report.row("2 processes, get-then-set without the lock (incr/s)", "value.nolock", "value.spawn.nolock", true);
            report.row("  updates lost without the lock (%)", "value.nolock.lost_pct", "value.spawn.nolock.lost_pct",
                    true);
            report.row("2 processes, atomic incrementAndGet, first round (incr/s)", "value.atomic", "value.spawn.lock",
                    true);
            report.row("  same, JIT-warm steady state (incr/s)", "value.atomic.warm", "value.spawn.lock", true);
            report.row("lock hand-off between processes, p50 (us)", "lock.handoff_p50", null, false);
            report.row("lock hand-off between processes, p99 (us)", "lock.handoff_p99", null, false);
        }

        private void manager(Report report, Optional<PythonPeer> python) throws Exception {
            alternate("manager", report, python, new String[] {"manager"}, Map.of(), 900, "manager", "spawn");
            for (String[] op : new String[][] {{"dict_setitem", "syncmanager_dict_setitem", "map put"},
                    {"dict_getitem", "syncmanager_dict_getitem", "map get"},
                    {"queue_put", "basemanager_tcp_queue_put", "queue put"},
                    {"queue_get", "basemanager_tcp_queue_get", "queue take"}}) {
                report.row("manager proxy " + op[2] + ", sequential, first round (ops/s)", "manager." + op[0],
                        "manager.spawn." + op[1], true);
                report.row("  same, JIT-warm (ops/s)", "manager." + op[0] + ".warm", "manager.spawn." + op[1], true);
            }
            for (String[] op : new String[][] {{"dict_setitem", "syncmanager_dict_setitem", "put"},
                    {"dict_getitem", "syncmanager_dict_getitem", "get"}}) {
                report.row("ctx.manager() dict " + op[2] + " over shared memory, first round (ops/s)",
                        "manager.local." + op[0], "manager.spawn." + op[1], true);
                report.row("  same, JIT-warm (ops/s)", "manager.local." + op[0] + ".warm", "manager.spawn." + op[1],
                        true);
            }
        }

        private void primes(Report report, Optional<PythonPeer> python) throws Exception {
            List<Double> pySerial = new ArrayList<>();
            List<Double> pyPool = new ArrayList<>();
            for (int rep = 1; rep <= reps; rep++) {
                System.out.println("primes: trial " + rep + "/" + reps);
                report.add(JavaTrialRunner.run("primes"), "java:");
                if (python.isPresent()) {
                    List<Measurement> serial = python.get().trial(Map.of(), 1800, "primes", "serial");
                    List<Measurement> pooled = python.get().trial(Map.of(), 1800, "primes", "poolmap", "spawn");
                    report.add(serial, "python:");
                    report.add(pooled, "python:");
                    serial.stream().filter(m -> m.name().equals("primes.serial")).forEach(m -> pySerial.add(m.value()));
                    pooled.stream().filter(m -> m.name().equals("primes.pool2map.spawn"))
                            .forEach(m -> pyPool.add(m.value()));
                }
            }
            for (int i = 0; i < Math.min(pySerial.size(), pyPool.size()); i++) {
                report.add(List.of(new Measurement("primes.speedup", pySerial.get(i) / pyPool.get(i), "x")), "python:");
            }
            report.row("sum of primes, serial (s)", "primes.serial", "primes.serial", false);
            report.row("sum of primes, pool of 2 map (s)", "primes.pool2map", "primes.pool2map.spawn", false);
            report.row("sum of primes, speedup of the pool of 2 (x)", "primes.speedup", "primes.speedup", true);
            report.row("sum of primes, pool of 2 map, workers already started (s)", "primes.pool2map_started", null,
                    false);
            report.row("sum of primes, speedup of a started pool of 2 (x)", "primes.speedup_started", null, true);
            report.row("sum of primes, serial, second run (JIT warm) (s)", "primes.serial_jit_warm", null, false);
            report.row("sum of primes, pool of 2 map, second run (JIT warm) (s)", "primes.pool2map_jit_warm", null,
                    false);
            report.row("sum of primes, speedup, both sides JIT warm (x)", "primes.speedup_jit_warm", null, true);
        }
    }
}
