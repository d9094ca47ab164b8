package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.PoolOptions;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.TaskTimeoutException;
import io.github.multiprocessing4j.WorkerCrashedException;
import io.github.multiprocessing4j.bench.Primes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Why processes on a JVM without a GIL: one bad task calls {@code System.exit}, leaks its heap until
 * {@link OutOfMemoryError}, or never returns; then 9 good tasks follow on the same pool. The process
 * pool fails only the bad task ({@link WorkerCrashedException} or {@link TaskTimeoutException}),
 * replaces the worker, finishes the 9 and serves the next call. The same batch on a pool of threads runs in a child JVM (so
 * this program survives to report it): {@code System.exit} ends the whole JVM, the leak starves every
 * later task, and the endless task keeps a thread spinning that nothing can stop.
 */
public final class IsolationDemo implements Demo {

    static final int TASKS = 10;
    static final int BAD = 3;
    static final String HEAP = "64m";
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration CHILD_LIMIT = Duration.ofSeconds(10);

    /** What the bad task does. */
    enum Scenario {
        EXIT("calls System.exit(42)"),
        LEAK("leaks its heap until OutOfMemoryError"),
        FOREVER("never returns (a busy loop)");

        final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    /**
     * One task of the batch.
     *
     * @param scenario what the bad task does
     * @param index the task's place; task {@link #BAD} is the bad one
     */
    record Task(Scenario scenario, int index) implements Serializable {
    }

    @Override
    public String name() {
        return "isolation";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 2 * Scenario.values().length;
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        List<Row> rows = new ArrayList<>();
        // A small heap, so the leak ends quickly; no AOT cache, whose training for these options would run
        // beside the demo (start-up speed is not what this demo shows).
        ProcessOptions options = ProcessOptions.builder().maxHeap(HEAP).aotCache(false).build();
        for (Scenario scenario : Scenario.values()) {
            settings.progress().step(scenario.name().toLowerCase() + " on processes");
            try (Context context = Multiprocessing.processes(options)) {
                Timed<String> processes = Timed.of(() -> onProcessPool(context, scenario));
                rows.add(Row.of(scenario.label, "process pool", 2, processes.seconds(), processes.value()));
            }
            settings.progress().step(scenario.name().toLowerCase() + " on threads (child JVM)");
            Timed<String> threads = Timed.of(() -> onThreadPoolInChild(scenario));
            rows.add(Row.of(scenario.label, "thread pool (in a child JVM)", 2, threads.seconds(), threads.value()));
        }
        return new DemoResult(name(), "one bad task, then " + (TASKS - 1) + " good ones, on a pool of 2 processes and "
                + "on a pool of 2 threads; heap " + HEAP + ", task timeout " + TIMEOUT.toSeconds() + " s", rows,
                List.of("The process pool's check is asserted: the bad task alone fails, with "
                        + "WorkerCrashedException or TaskTimeoutException, the 9 good tasks return the right value, "
                        + "and the pool answers the next call.",
                        "The thread rows show what happens to the same batch on a thread pool; it runs in a child "
                        + "JVM, killed after " + CHILD_LIMIT.toSeconds() + " s if it hangs.",
                        "No CPython peer: the talks show this for CPython threads vs processes, with the same "
                        + "outcome."));
    }

    /**
     * Runs the batch on a pool of 2 worker JVMs and checks that only the bad task failed.
     *
     * @param context a processes context
     * @param scenario what the bad task does
     * @return what happened, for the table
     * @throws Exception if the pool did not isolate the bad task
     */
    static String onProcessPool(Context context, Scenario scenario) throws Exception {
        try (ProcessPool pool = context.pool(PoolOptions.builder().workers(2).taskTimeout(TIMEOUT).build())) {
            String bad;
            try {
                long value = pool.applyAsync(IsolationDemo::work, new Task(scenario, BAD)).get(2, TimeUnit.MINUTES);
                throw new DemoCheckException("the bad task (" + scenario.label + ") returned " + value);
            } catch (ExecutionException e) {
                bad = describe(e.getCause());
            }
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                futures.add(i == BAD ? null : pool.applyAsync(IsolationDemo::work, new Task(scenario, i)));
            }
            int good = 0;
            for (int i = 0; i < TASKS; i++) {
                if (i == BAD) {
                    continue;
                }
                try {
                    DemoCheckException.expectEqual("task " + i, expected(i), futures.get(i).get(2, TimeUnit.MINUTES));
                    good++;
                } catch (ExecutionException e) {
                    throw new DemoCheckException("good task " + i + " failed after a task that " + scenario.label
                            + ": " + e.getCause());
                }
            }
            long after = pool.apply(IsolationDemo::work, new Task(scenario, 0));
            DemoCheckException.expectEqual("the pool's next call", expected(0), after);
            return good + "/" + (TASKS - 1) + " good ok; bad: " + bad + "; pool serves next call";
        }
    }

    private static String describe(Throwable failure) {
        return switch (failure) {
            case WorkerCrashedException crash -> "WorkerCrashedException, exit " + crash.exitCode();
            case TaskTimeoutException timeout -> "TaskTimeoutException after " + timeout.timeout().toSeconds() + " s";
            default -> throw new DemoCheckException("the bad task failed with " + failure
                    + ", expected WorkerCrashedException or TaskTimeoutException");
        };
    }

    /**
     * Runs the batch on a thread pool in a child JVM and reads what it reports.
     *
     * @param scenario what the bad task does
     * @return what happened, for the table
     * @throws IOException if the child cannot start
     * @throws InterruptedException if interrupted
     */
    static String onThreadPoolInChild(Scenario scenario) throws IOException, InterruptedException {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(javaBinary, "-Xmx" + HEAP, "--enable-native-access=ALL-UNNAMED",
                "-Dmultiprocessing4j.demo=isolation-child", "-cp", System.getProperty("java.class.path"),
                ThreadChild.class.getName(), scenario.name()).redirectErrorStream(true);
        Process child = builder.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        });
        boolean ended = false;
        try {
            ended = child.waitFor(CHILD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (!ended) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
        reader.join(Duration.ofSeconds(5));
        List<String> seen;
        synchronized (lines) {
            seen = List.copyOf(lines);
        }
        long good = seen.stream().filter(l -> l.startsWith("ok ")).count();
        String badLine = seen.stream().filter(l -> l.startsWith("failed " + BAD + " ")).findFirst()
                .map(l -> l.substring(("failed " + BAD + " ").length())).orElse("no answer");
        long otherFailures = seen.stream().filter(l -> (l.startsWith("failed ") && !l.startsWith("failed " + BAD + " "))
                || l.startsWith("wrong ")).count();
        String outcome = good + "/" + (TASKS - 1) + " good ok";
        if (otherFailures > 0) {
            outcome += ", " + otherFailures + " good failed or wrong";
        }
        outcome += "; bad: " + badLine;
        if (seen.stream().anyMatch(l -> l.startsWith("still running "))) {
            outcome += "; after close() its thread still spins, a CPU lost until the JVM exits";
        }
        if (!ended) {
            outcome += "; close() hung, JVM killed after " + CHILD_LIMIT.toSeconds() + " s";
        } else if (!seen.contains("closed")) {
            outcome += "; whole JVM exited with status " + child.exitValue();
        }
        return outcome;
    }

    /**
     * A task of the batch. Good tasks use a 1 MiB working buffer and sum primes.
     *
     * @param task which task
     * @return its value
     */
    static long work(Task task) {
        if (task.index() == BAD) {
            switch (task.scenario()) {
                case EXIT -> System.exit(42);
                case LEAK -> Leak.exhaust();
                case FOREVER -> {
                    while (!Leak.stop) {
                        Thread.onSpinWait();
                    }
                }
            }
        }
        byte[] buffer = new byte[1 << 20];
        buffer[task.index()] = 1;
        return Primes.sumPrimes(expectedBound(task.index())) + buffer[task.index()] - 1;
    }

    private static int expectedBound(int index) {
        return 30_000 + 1_000 * index;
    }

    static long expected(int index) {
        return Primes.sumPrimes(expectedBound(index));
    }

    /** Memory a bad task never gives back, as a leaking library would. */
    static final class Leak {
        static final List<byte[]> KEPT = new ArrayList<>();
        static volatile boolean stop;

        private Leak() {
        }

        /** Keeps allocating, in smaller and smaller pieces, until not even 1 KiB is left. */
        static void exhaust() {
            int piece = 1 << 20;
            while (true) {
                try {
                    KEPT.add(new byte[piece]);
                } catch (OutOfMemoryError e) {
                    if (piece <= 1024) {
                        throw e;
                    }
                    piece /= 16;
                }
            }
        }
    }

    /**
     * The thread-pool side, run in a child JVM: prints {@code ok i} or {@code failed i <error>} per
     * task, then {@code closed} once the pool has closed.
     */
    public static final class ThreadChild {

        private ThreadChild() {
        }

        private static void report(ProcessPool pool, Scenario scenario, int index) throws InterruptedException {
            report(pool.applyAsync(IsolationDemo::work, new Task(scenario, index)), index);
        }

        private static void report(CompletableFuture<Long> future, int index) throws InterruptedException {
            try {
                long value = future.get(1, TimeUnit.MINUTES);
                System.out.println((value == expected(index) ? "ok " : "wrong ") + index);
            } catch (ExecutionException e) {
                System.out.println("failed " + index + " " + e.getCause().getClass().getSimpleName());
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("failed " + index + " no answer in a minute");
            } catch (OutOfMemoryError e) {
                System.out.println("failed " + index + " OutOfMemoryError");
            }
        }

        /**
         * Entry point.
         *
         * @param args the scenario's name
         * @throws Exception if the pool cannot run
         */
        public static void main(String[] args) throws Exception {
            Scenario scenario = Scenario.valueOf(args[0]);
            try (Context context = Multiprocessing.threads();
                    ProcessPool pool = context.pool(PoolOptions.builder().workers(2).taskTimeout(TIMEOUT).build())) {
                report(pool, scenario, BAD);
                List<CompletableFuture<Long>> futures = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    futures.add(i == BAD ? null : pool.applyAsync(IsolationDemo::work, new Task(scenario, i)));
                }
                for (int i = 0; i < TASKS; i++) {
                    if (i != BAD) {
                        report(futures.get(i), i);
                    }
                }
                System.out.println("closing");
            }
            System.out.println("closed");
            for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
                boolean inTask = java.util.Arrays.stream(thread.getValue())
                        .anyMatch(frame -> frame.getClassName().equals(IsolationDemo.class.getName())
                                && frame.getMethodName().equals("work"));
                if (inTask && thread.getKey().isAlive()) {
                    System.out.println("still running " + thread.getKey().getName());
                }
            }
        }
    }
}
