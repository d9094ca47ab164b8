package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SharedBarrier;
import io.github.multiprocessing4j.SharedLock;
import io.github.multiprocessing4j.SharedLong;
import io.github.multiprocessing4j.SharedLongArray;
import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shared-value workload of {@code ../shared/bench/python} ({@code pybench.py value}): two
 * processes each add one to a shared long n times, started together; the clock runs from the
 * start to the later finish. Modes as in Python: under the value's lock ({@code value.lock}),
 * without it ({@code value.nolock}, which loses updates: {@code value.nolock.lost_pct}), and ours
 * alone, atomic increments ({@code value.atomic}). Each mode runs {@link #ROUNDS} rounds in the
 * same processes: the first ({@code value.<mode>}) is what the peer measures, the median of the
 * others ({@code value.<mode>.warm}) the steady state. Then the lock hand-off latency between two
 * processes. Run by {@code bench trial value}.
 */
final class ValueTrial {

    static final int N = Integer.getInteger("bench.value.n", 200_000);
    static final int ROUNDS = 10;
    static final int HANDOFFS = 2_000;
    static final int HANDOFF_WARMUP = 500;
    static final Duration STALL = Duration.ofMinutes(1);

    private ValueTrial() {
    }

    static void run() throws Exception {
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build())) {
            for (String mode : List.of("lock", "nolock", "atomic")) {
                increments(context, mode);
            }
            handoff(context);
        }
    }

    private static void increments(Context context, String mode) throws Exception {
        int n = N;
        try (SharedLong counter = context.sharedLong(0); SharedBarrier start = context.barrier(3);
                SharedBarrier end = context.barrier(3)) {
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(context.process(() -> {
                    SharedLock lock = counter.lock();
                    for (int round = 0; round < ROUNDS; round++) {
                        start.await(STALL);
                        // one loop per mode, as pybench.py's _incr: the mode is not tested per increment
                        switch (mode) {
                            case "lock" -> {
                                for (int i = 0; i < n; i++) {
                                    lock.lock();
                                    try {
                                        counter.set(counter.get() + 1);
                                    } finally {
                                        lock.unlock();
                                    }
                                }
                            }
                            case "nolock" -> {
                                for (int i = 0; i < n; i++) {
                                    counter.set(counter.get() + 1);
                                }
                            }
                            default -> {
                                for (int i = 0; i < n; i++) {
                                    counter.incrementAndGet();
                                }
                            }
                        }
                        end.await(STALL);
                    }
                }).start());
            }
            double[] rates = new double[ROUNDS];
            double lostFirst = 0;
            for (int round = 0; round < ROUNDS; round++) {
                counter.set(0);
                start.await(STALL);
                long t0 = System.nanoTime();
                end.await(STALL);
                double seconds = (System.nanoTime() - t0) / 1e9;
                rates[round] = 2.0 * n / seconds;
                long lost = 2L * n - counter.get();
                if (round == 0) {
                    lostFirst = 100.0 * lost / (2.0 * n);
                }
                if (!mode.equals("nolock") && lost != 0) {
                    throw new AssertionError(mode + " lost " + lost + " updates");
                }
            }
            for (WorkerProcess worker : workers) {
                worker.join();
            }
            Measurement.emit("value." + mode, rates[0], "incr/s");
            double[] warm = Arrays.copyOfRange(rates, 1, rates.length);
            Arrays.sort(warm);
            Measurement.emit("value." + mode + ".warm", warm[warm.length / 2], "incr/s");
            if (mode.equals("nolock")) {
                Measurement.emit("value.nolock.lost_pct", lostFirst, "%");
            }
        }
    }

    /**
     * The parent holds the lock while a worker waits for it, then releases it: the time from the
     * release to the worker holding it, read on the system-wide monotonic clock.
     */
    private static void handoff(Context context) throws Exception {
        int rounds = HANDOFF_WARMUP + HANDOFFS;
        try (SharedLock lock = context.lock(); SharedLong turn = context.sharedLong(-1);
                SharedLong waiting = context.sharedLong(-1);
                SharedLong released = context.sharedLong(0); SharedLongArray latencies = context.longArray(rounds)) {
            WorkerProcess worker = context.process(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turn.get() != i) {
                        Thread.onSpinWait(); // until the parent holds the lock for round i
                    }
                    waiting.set(i);
                    lock.lock();
                    latencies.set(i, System.nanoTime() - released.get());
                    lock.unlock();
                }
            }).start();
            for (int i = 0; i < rounds; i++) {
                lock.lock();
                turn.set(i); // the worker may now wait for the lock
                while (waiting.get() != i) {
                    Thread.onSpinWait();
                }
                long pause = System.nanoTime() + 20_000; // let it reach the wait (spinning or asleep)
                while (System.nanoTime() < pause) {
                    Thread.onSpinWait();
                }
                released.set(System.nanoTime());
                lock.unlock();
                while (latencies.get(i) == 0) {
                    Thread.onSpinWait();
                }
            }
            worker.join();
            long[] all = Arrays.copyOfRange(latencies.toArray(), HANDOFF_WARMUP, rounds);
            Arrays.sort(all);
            Measurement.emit("lock.handoff_p50", all[all.length / 2] / 1e3, "us");
            Measurement.emit("lock.handoff_p99", all[(int) (all.length * 0.99)] / 1e3, "us");
        }
    }
}
