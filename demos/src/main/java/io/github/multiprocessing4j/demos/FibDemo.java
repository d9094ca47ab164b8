package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The 2013 GIL talk's naive recursive fib: fib(n) twice on one worker, on two platform threads, on two
 * virtual threads and on two processes. At fib(34), CPython's size, the JVM computes in tens of
 * milliseconds, so the demo also runs a JVM-sized fib(n + 6) (18 times the work) where starting a
 * worker JVM no longer dominates.
 */
public final class FibDemo implements Demo {

    private static final double PHI = (1 + Math.sqrt(5)) / 2;

    @Override
    public String name() {
        return "fib";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 8 + (settings.python().isPresent() ? 3 : 0);
    }

    /**
     * CPython's fib index at a size: 34 at size 1, one less for every factor phi smaller.
     *
     * @param settings the settings
     * @return n
     */
    static int index(DemoSettings settings) {
        return (int) Math.max(15, 34 + Math.round(Math.log(settings.size()) / Math.log(PHI)));
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        int small = index(settings);
        List<Row> rows = new ArrayList<>();
        try (Context processes = Multiprocessing.processes()) {
            for (int n : List.of(small, small + 6)) {
                rows.addAll(variants(settings, processes, n));
            }
        }
        if (settings.python().isPresent()) {
            Python python = settings.python().get();
            Map<String, String> env = Map.of("PYB_FIB_N", Integer.toString(small));
            settings.progress().step("CPython fib serial");
            Map<String, Double> serial = python.run(env, "fib", "serial");
            settings.progress().step("CPython fib threads");
            Map<String, Double> threads = python.run(env, "fib", "threads");
            settings.progress().step("CPython fib procs");
            Map<String, Double> procs = python.run(env, "fib", "procs", "spawn");
            rows.set(0, rows.get(0).withPython(Python.figure(serial, "fib.serial_x2")));
            rows.set(1, rows.get(1).withPython(Python.figure(threads, "fib.threads2")));
            rows.set(3, rows.get(3).withPython(Python.figure(procs, "fib.procs2.spawn")));
        }
        return new DemoResult(name(), "naive recursive fib(" + small + ") and fib(" + (small + 6)
                + "), computed twice: one worker after the other, or two at once (2013 GIL talk)", rows,
                List.of("On CPython two threads are no faster than one (the GIL); on the JVM they are.",
                        "The process rows include starting two worker JVMs (about 0.1-0.2 s each on 2 CPUs); at "
                        + "fib(" + small + ") that start costs more than the work, at fib(" + (small + 6)
                        + ") it no longer does."));
    }

    private static List<Row> variants(DemoSettings settings, Context processes, int n) throws Exception {
        String workload = "fib(" + n + ") x2";
        long expected = iterativeFib(n);
        List<Row> rows = new ArrayList<>();
        settings.progress().step("fib(" + n + ") one worker");
        Timed<List<Long>> serial = Timed.of(() -> List.of(Workloads.fib(n), Workloads.fib(n)));
        rows.add(Row.of(workload, "one worker, twice", 1, serial.seconds(), check(n, expected, serial.value())));
        settings.progress().step("fib(" + n + ") platform threads");
        Timed<List<Long>> threads = Timed.of(() -> onThreads(n, false));
        rows.add(Row.of(workload, "platform threads", 2, threads.seconds(), check(n, expected, threads.value())));
        settings.progress().step("fib(" + n + ") virtual threads");
        Timed<List<Long>> virtual = Timed.of(() -> onThreads(n, true));
        rows.add(Row.of(workload, "virtual threads", 2, virtual.seconds(), check(n, expected, virtual.value())));
        settings.progress().step("fib(" + n + ") processes");
        Timed<List<Long>> procs = Timed.of(() -> onProcesses(processes, n));
        rows.add(Row.of(workload, "processes", 2, procs.seconds(), check(n, expected, procs.value())));
        return rows;
    }

    static List<Long> onThreads(int n, boolean virtual) throws InterruptedException {
        long[] results = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int slot = i;
            Runnable body = () -> results[slot] = Workloads.fib(n);
            threads.add(virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return List.of(results[0], results[1]);
    }

    /** As the talk: each process computes fib(n) and puts it on a shared queue. */
    static List<Long> onProcesses(Context context, int n) throws Exception {
        try (SharedQueue<Long> out = context.queue()) {
            List<WorkerProcess> processes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                processes.add(context.process(() -> putFib(out, n)).name("fib-" + i).start());
            }
            List<Long> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Long value = Answers.next(out, processes, Duration.ofMinutes(10), "fib result");
                results.add(value);
            }
            for (WorkerProcess process : processes) {
                process.join();
                process.close();
            }
            return results;
        }
    }

    private static void putFib(SharedQueue<Long> out, int n) {
        try {
            out.put(Workloads.fib(n));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** fib(n) by another algorithm, to check the recursive one. */
    static long iterativeFib(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long next = a + b;
            a = b;
            b = next;
        }
        return a;
    }

    private static String check(int n, long expected, List<Long> results) {
        DemoCheckException.expectEqual("number of fib results", 2, results.size());
        for (long result : results) {
            DemoCheckException.expectEqual("fib(" + n + ")", expected, result);
        }
        return "fib = " + expected + " ok";
    }
}
