package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.ProcessPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The pool workloads of {@code ../shared/bench/python/pybench.py}, with the same parameters: pool
 * of 2 to first result, sequential {@code apply} latency, {@code map} throughput of a trivial
 * function at chunk sizes 1, 100 and 10,000, and the 2008 talk's sum of primes serial vs a pool of
 * 2. Each runs in a fresh JVM ({@code bench trial pool|apply|map|primes}) and prints
 * {@code name=value unit=...} lines named like Python's.
 */
final class PoolTrial {

    /** Pools measured for the first-result figure, as {@code START_NPOOL}. */
    static final int POOLS = Integer.getInteger("bench.pool.n", 5);
    /** Sequential applies, as {@code APPLY_N}. */
    static final int APPLY_N = Integer.getInteger("bench.apply.n", 10_000);
    /** Items per map at each chunk size. */
    static final int MAP_N = Integer.getInteger("bench.map.n", 1_000_000);
    /** The primes range, as {@code PRIMES_START/STOP/STEP}. */
    static final int PRIMES_START = 10_000;
    static final int PRIMES_STOP = 390_000;
    static final int PRIMES_STEP = 10_000;
    /** The checksum of the primes workload in {@code primes_reference.txt}. */
    static final long PRIMES_CHECKSUM = 79_179_308_234L;

    private PoolTrial() {
    }

    static Integer inc(Integer x) {
        return x + 1;
    }

    static Integer ident(Integer x) {
        return x;
    }

    static Object noop(Object x) {
        return null;
    }

    private static Context context() {
        return Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
    }

    static void run(String group) throws Exception {
        switch (group) {
            case "pool" -> pool();
            case "apply" -> apply();
            case "map" -> map();
            case "primes" -> primes();
            default -> throw new IllegalArgumentException("group: " + group + " (expected: pool, apply, map or primes)");
        }
    }

    private static void pool() throws Exception {
        try (Context context = context()) {
            double first = 0;
            double shut = 0;
            for (int i = 0; i < POOLS; i++) {
                long t0 = System.nanoTime();
                ProcessPool pool = context.pool(2);
                pool.apply(PoolTrial::noop, null);
                long t1 = System.nanoTime();
                pool.close();
                long t2 = System.nanoTime();
                first += (t1 - t0) / 1e6;
                shut += (t2 - t1) / 1e6;
            }
            Measurement.emit("pool.pool2_first_apply", first / POOLS, "ms");
            Measurement.emit("pool.pool2_close_join", shut / POOLS, "ms");
        }
    }

    private static void apply() throws Exception {
        try (Context context = context(); ProcessPool pool = context.pool(2)) {
            for (int i = 0; i < 300; i++) {
                pool.apply(PoolTrial::ident, i);
            }
            long[] latencies = new long[APPLY_N];
            long all = System.nanoTime();
            for (int i = 0; i < APPLY_N; i++) {
                long t0 = System.nanoTime();
                Integer r = pool.apply(PoolTrial::ident, i);
                latencies[i] = System.nanoTime() - t0;
                if (r != i) {
                    throw new AssertionError(r + " != " + i);
                }
            }
            double mean = (System.nanoTime() - all) / 1e3 / APPLY_N;
            Arrays.sort(latencies);
            Measurement.emit("apply.pool_apply", mean, "us/call");
            Measurement.emit("apply.pool_apply_p50", percentile(latencies, 50) / 1e3, "us");
            Measurement.emit("apply.pool_apply_p99", percentile(latencies, 99) / 1e3, "us");
        }
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)];
    }

    private static void map() throws Exception {
        try (Context context = context(); ProcessPool pool = context.pool(2)) {
            pool.map(PoolTrial::inc, IntStream.range(0, 2000).boxed().toList(), 10); // warm-up: both workers up
            for (int chunk : new int[] {1, 100, 10_000}) {
                long t0 = System.nanoTime();
                List<Integer> items = new ArrayList<>(MAP_N);
                for (int i = 0; i < MAP_N; i++) {
                    items.add(i);
                }
                List<Integer> results = pool.map(PoolTrial::inc, items, chunk);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (results.size() != MAP_N || results.getLast() != MAP_N) {
                    throw new AssertionError("wrong map result");
                }
                Measurement.emit("map.cs" + chunk, MAP_N / seconds, "tasks/s");
            }
        }
    }

    private static void primes() throws Exception {
        List<Integer> ns = new ArrayList<>();
        for (int n = PRIMES_START; n < PRIMES_STOP; n += PRIMES_STEP) {
            ns.add(n);
        }
        long t0 = System.nanoTime();
        check(serialSum(ns));
        double serial = (System.nanoTime() - t0) / 1e9;
        Measurement.emit("primes.serial", serial, "s");
        try (Context context = context()) {
            long t1 = System.nanoTime();
            long poolSum;
            try (ProcessPool pool = context.pool(2)) {
                poolSum = pool.map(Primes::sumPrimes, ns).stream().mapToLong(Long::longValue).sum();
            }
            double pooled = (System.nanoTime() - t1) / 1e9;
            check(poolSum);
            Measurement.emit("primes.pool2map", pooled, "s");
            Measurement.emit("primes.speedup", serial / pooled, "x");
            // the same map on a pool whose two workers are already up: the work alone
            try (ProcessPool pool = context.pool(2)) {
                pool.map(PoolTrial::noop, List.of(1, 2), 1);
                long t2 = System.nanoTime();
                long warmSum = pool.map(Primes::sumPrimes, ns).stream().mapToLong(Long::longValue).sum();
                double warm = (System.nanoTime() - t2) / 1e9;
                check(warmSum);
                Measurement.emit("primes.pool2map_started", warm, "s");
                Measurement.emit("primes.speedup_started", serial / warm, "x");
                // steady state: the same map again, once both workers have compiled sumPrimes,
                // against a second serial run in this (now also warm) JVM
                long t3 = System.nanoTime();
                check(pool.map(Primes::sumPrimes, ns).stream().mapToLong(Long::longValue).sum());
                double hotPool = (System.nanoTime() - t3) / 1e9;
                long t4 = System.nanoTime();
                check(serialSum(ns));
                double hotSerial = (System.nanoTime() - t4) / 1e9;
                Measurement.emit("primes.serial_jit_warm", hotSerial, "s");
                Measurement.emit("primes.pool2map_jit_warm", hotPool, "s");
                Measurement.emit("primes.speedup_jit_warm", hotSerial / hotPool, "x");
            }
        }
    }

    private static long serialSum(List<Integer> ns) {
        long sum = 0;
        for (int n : ns) {
            sum += Primes.sumPrimes(n);
        }
        return sum;
    }

    private static void check(long sum) {
        if (sum != PRIMES_CHECKSUM) {
            throw new AssertionError("primes checksum " + sum + " (expected: " + PRIMES_CHECKSUM + ")");
        }
    }
}
