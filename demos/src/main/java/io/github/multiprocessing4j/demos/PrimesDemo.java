package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.bench.Primes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The 2008 talk's sum of primes below n for n = 10,000, 20,000, ... 380,000 (38 tasks at size 1), with
 * its naive trial division: serial, N platform threads and N virtual threads fed by a work queue, N
 * worker processes fed by a shared work queue as in the talk, and {@code ProcessPool.map}. Every sum
 * is checked against {@code primes_reference.txt} of the CPython peer when it is there, and against
 * the serial run always.
 */
public final class PrimesDemo implements Demo {

    /** The work queue's poison pill: no task has a negative bound. */
    static final int PILL = -1;

    @Override
    public String name() {
        return "primes";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 6 + (settings.python().isPresent() ? 4 : 0);
    }

    /**
     * The bounds at a size: 10,000 apart from 10,000, 38 of them at size 1.
     *
     * @param settings the settings
     * @return the task list
     */
    static List<Integer> bounds(DemoSettings settings) {
        int tasks = settings.scaled(38, 1);
        List<Integer> ns = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ns.add(10_000 + 10_000 * i);
        }
        return ns;
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        Progress progress = settings.progress();
        List<Integer> ns = bounds(settings);
        int n = settings.workers();
        String workload = "sum_primes x" + ns.size();
        List<Row> rows = new ArrayList<>();

        progress.step("serial");
        Timed<List<Long>> serial = Timed.of(() -> ns.stream().map(Primes::sumPrimes).toList());
        Map<Integer, Long> expected = expected(ns, serial.value(), settings);
        rows.add(Row.of(workload, "serial", 1, serial.seconds(), check(ns, serial.value(), expected)));

        progress.step("platform threads");
        Timed<List<Long>> threads = Timed.of(() -> threadQueue(ns, n, false));
        rows.add(Row.of(workload, "platform threads (work queue)", n, threads.seconds(),
                check(ns, threads.value(), expected)));

        progress.step("virtual threads");
        Timed<List<Long>> virtual = Timed.of(() -> threadQueue(ns, n, true));
        rows.add(Row.of(workload, "virtual threads (work queue)", n, virtual.seconds(),
                check(ns, virtual.value(), expected)));

        try (Context context = Multiprocessing.processes()) {
            progress.step("processes (work queue)");
            Timed<List<Long>> processes = Timed.of(() -> processQueue(context, ns, n));
            rows.add(Row.of(workload, "processes (work queue)", n, processes.seconds(),
                    check(ns, processes.value(), expected)));

            progress.step("ProcessPool.map");
            Timed.ColdAndWarm<List<Long>> runs = Timed.coldThenWarm(context, n,
                    () -> progress.step("ProcessPool.map, started pool"), pool -> pool.map(Primes::sumPrimes, ns));
            rows.add(Row.of(workload, "ProcessPool.map, incl. start", n, runs.cold().seconds(),
                    check(ns, runs.cold().value(), expected)));
            rows.add(Row.of(workload, "ProcessPool.map, started pool", n, runs.warm().seconds(),
                    check(ns, runs.warm().value(), expected)));
        }
        rows = withPython(rows, settings, ns.size(), n);
        return new DemoResult(name(), "sum of primes below n, n = 10,000 .. " + String.format("%,d", ns.getLast())
                + " step 10,000 (" + ns.size() + " tasks), naive trial division as in the 2008 talk", rows,
                List.of("Serial runs first, in a JVM whose JIT has not compiled the function yet; later rows "
                        + "run compiled code in this JVM, and each worker process compiles it again.",
                        "Process rows include starting the worker JVMs and the pool; the started-pool row "
                        + "is a second map on the same pool.",
                        "CPython's threads are held back by its GIL; the JVM's are not."));
    }

    private static List<Row> withPython(List<Row> rows, DemoSettings settings, int tasks, int workers)
            throws InterruptedException {
        if (settings.python().isEmpty()) {
            return rows;
        }
        Python python = settings.python().get();
        Map<String, String> env = Map.of("PYB_PRIMES_STOP", Integer.toString(10_000 + 10_000 * tasks));
        Map<String, Double> figures = new HashMap<>();
        for (String[] args : List.of(new String[] {"primes", "serial"}, new String[] {"primes", "threads"},
                new String[] {"primes", "procs", "spawn"}, new String[] {"primes", "poolmap", "spawn"})) {
            settings.progress().step("CPython " + String.join(" ", args));
            figures.putAll(python.run(env, args));
        }
        // CPython's peer runs 2 workers: its parallel figures only compare when we do too.
        boolean same = workers == 2;
        List<Row> out = new ArrayList<>();
        for (Row row : rows) {
            String key = switch (row.backend()) {
                case "serial" -> "primes.serial";
                case "platform threads (work queue)" -> same ? "primes.threads2" : null;
                case "processes (work queue)" -> same ? "primes.procs2.spawn" : null;
                case "ProcessPool.map, incl. start" -> same ? "primes.pool2map.spawn" : null;
                default -> null;
            };
            out.add(key == null ? row : row.withPython(Python.figure(figures, key)));
        }
        return out;
    }

    /** The talk's thread version: workers take bounds from a queue until they take the pill. */
    static List<Long> threadQueue(List<Integer> ns, int workers, boolean virtual) throws InterruptedException {
        BlockingQueue<Integer> work = new LinkedBlockingQueue<>(ns);
        for (int i = 0; i < workers; i++) {
            work.add(PILL);
        }
        Map<Integer, Long> results = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        Runnable worker = () -> {
            try {
                for (int bound = work.take(); bound != PILL; bound = work.take()) {
                    results.put(bound, Primes.sumPrimes(bound));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        for (int i = 0; i < workers; i++) {
            threads.add(virtual ? Thread.ofVirtual().start(worker) : Thread.ofPlatform().start(worker));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return ns.stream().map(results::get).toList();
    }

    /** The talk's process version: worker processes take bounds from a shared queue, answer on another. */
    static List<Long> processQueue(Context context, List<Integer> ns, int workers) throws Exception {
        try (SharedQueue<Integer> work = context.queue(); SharedQueue<long[]> results = context.queue()) {
            for (int bound : ns) {
                work.put(bound);
            }
            for (int i = 0; i < workers; i++) {
                work.put(PILL);
            }
            List<WorkerProcess> processes = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                processes.add(context.process(() -> primesWorker(work, results)).name("primes-" + i).start());
            }
            Map<Integer, Long> sums = new HashMap<>();
            for (int i = 0; i < ns.size(); i++) {
                long[] answer = Answers.next(results, processes, Duration.ofMinutes(10), "prime sum");
                sums.put((int) answer[0], answer[1]);
            }
            for (WorkerProcess process : processes) {
                process.join();
                process.close();
            }
            return ns.stream().map(sums::get).toList();
        }
    }

    private static void primesWorker(SharedQueue<Integer> work, SharedQueue<long[]> results) {
        try {
            for (int bound = work.take(); bound != PILL; bound = work.take()) {
                results.put(new long[] {bound, Primes.sumPrimes(bound)});
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reference sums: CPython's file where it has the bound, else the serial run. */
    static Map<Integer, Long> expected(List<Integer> ns, List<Long> serial, DemoSettings settings)
            throws IOException {
        Map<Integer, Long> expected = new HashMap<>();
        for (int i = 0; i < ns.size(); i++) {
            expected.put(ns.get(i), serial.get(i));
        }
        Path reference = Path.of("../shared/bench/python/primes_reference.txt");
        if (Files.isRegularFile(reference)) {
            for (String line : Files.readAllLines(reference)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && !line.startsWith("#")) {
                    int bound = Integer.parseInt(parts[0]);
                    if (expected.containsKey(bound)) {
                        DemoCheckException.expectEqual("serial sum_primes(" + bound + ") against "
                                + reference, Long.parseLong(parts[1]), expected.get(bound));
                    }
                }
            }
        }
        return expected;
    }

    static String check(List<Integer> ns, List<Long> sums, Map<Integer, Long> expected) {
        DemoCheckException.expectEqual("number of sums", ns.size(), sums.size());
        long total = 0;
        for (int i = 0; i < ns.size(); i++) {
            DemoCheckException.expectEqual("sum_primes(" + ns.get(i) + ")", expected.get(ns.get(i)), sums.get(i));
            total += sums.get(i);
        }
        return "sum " + total + " ok";
    }
}
