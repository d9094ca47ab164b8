package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.testing.CapturingSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 tasks through a pool of 2 worker JVMs while workers are killed with SIGKILL at random
 * ten times: every task is accounted for exactly once, by its result or, for a task that was
 * running when its worker died, by {@link WorkerCrashedException}; none is lost.
 */
@Tag("slow")
class ProcessPoolChaosTest {

    static final int TASKS = 10_000;
    static final int KILLS = 10;
    static final long TASK_NANOS = 200_000;

    /** Busy for a fifth of a millisecond, then answers: long enough for kills to land mid-task. */
    static Integer work(Integer x) {
        long end = System.nanoTime() + TASK_NANOS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return x * 2;
    }

    @Test
    void tenThousandTasksSurviveTenRandomKills() throws Exception {
        CapturingSink output = new CapturingSink();
        Random random = new Random(20261123L);
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(output).build());
                ProcessPool pool = context.pool(2)) {
            AtomicIntegerArray completions = new AtomicIntegerArray(TASKS);
            AtomicInteger completed = new AtomicInteger();
            List<CompletableFuture<Integer>> futures = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                int index = i;
                CompletableFuture<Integer> future = pool.applyAsync(ProcessPoolChaosTest::work, i);
                future.whenComplete((value, failure) -> {
                    completions.incrementAndGet(index);
                    completed.incrementAndGet();
                });
                futures.add(future);
            }
            List<Long> killed = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PoolContract.WAIT_SECONDS);
            for (int k = 0; k < KILLS; k++) {
                int threshold = (k + 1) * TASKS / (KILLS + 2) + random.nextInt(TASKS / (KILLS * 4));
                while (completed.get() < threshold) {
                    assertThat(System.nanoTime()).as("waiting for %d completions", threshold).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(1); // bounded polling of the pool's progress
                }
                List<ProcessHandle> workers = ProcessHandle.current().children()
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().orElse("").contains("pool-worker-"))
                        .toList();
                if (workers.isEmpty()) {
                    k--; // both are being replaced right now; try again at the next completion
                    continue;
                }
                ProcessHandle victim = workers.get(random.nextInt(workers.size()));
                victim.destroyForcibly();
                killed.add(victim.pid());
            }
            int results = 0;
            int crashed = 0;
            for (int i = 0; i < TASKS; i++) {
                try {
                    assertThat(futures.get(i).get(PoolContract.WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(i * 2);
                    results++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
                    WorkerCrashedException crash = (WorkerCrashedException) e.getCause();
                    assertThat(crash.exitCode()).isEqualTo(-9);
                    assertThat(killed).contains(crash.pid());
                    crashed++;
                } catch (CompletionException e) {
                    throw new AssertionError("unexpected", e);
                }
            }
            assertThat(killed).hasSize(KILLS);
            assertThat(results + crashed).isEqualTo(TASKS);
            assertThat(crashed).isLessThanOrEqualTo(KILLS);
            for (int i = 0; i < TASKS; i++) {
                assertThat(completions.get(i)).as("completions of task %d", i).isEqualTo(1);
            }
            System.out.printf("chaos: %d results, %d crashed tasks, %d kills%n", results, crashed, killed.size());
        }
    }
    /**
     * Three threads call {@code apply} one call after another, so most calls are handed to an idle
     * worker by the caller itself, while workers are killed five times: each call returns its
     * result or fails with the kill's {@link WorkerCrashedException}, and none hangs.
     */
    @Test
    void sequentialAppliesFromThreeThreadsSurviveKills() throws Exception {
        int callers = 3;
        int kills = 5;
        Random random = new Random(20261124L);
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(new CapturingSink()).build());
                ProcessPool pool = context.pool(2);
                ExecutorService threads = Executors.newFixedThreadPool(callers)) {
            pool.apply(ProcessPoolChaosTest::work, 0); // workers up
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger crashes = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                running.add(threads.submit(() -> {
                    for (int x = 0; !stop.get(); x++) {
                        try {
                            assertThat(pool.<Integer, Integer>apply(ProcessPoolChaosTest::work, x)).isEqualTo(x * 2);
                        } catch (ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
                            crashes.incrementAndGet();
                        }
                        calls.incrementAndGet();
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PoolContract.WAIT_SECONDS);
            for (int k = 0; k < kills; k++) {
                int threshold = calls.get() + 100 + random.nextInt(200);
                while (calls.get() < threshold) {
                    assertThat(System.nanoTime()).as("waiting for %d calls", threshold).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(1); // bounded polling of the callers' progress
                }
                List<ProcessHandle> workers = ProcessHandle.current().children()
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().orElse("").contains("pool-worker-"))
                        .toList();
                if (workers.isEmpty()) {
                    k--;
                    continue;
                }
                workers.get(random.nextInt(workers.size())).destroyForcibly();
            }
            int settled = calls.get() + 100;
            while (calls.get() < settled) {
                assertThat(System.nanoTime()).as("calls after the last kill").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(1);
            }
            stop.set(true);
            for (Future<?> caller : running) {
                caller.get(PoolContract.WAIT_SECONDS, TimeUnit.SECONDS); // an assertion failure surfaces here
            }
            assertThat(crashes.get()).isLessThanOrEqualTo(kills);
            System.out.printf("sequential chaos: %d calls, %d crashed%n", calls.get(), crashes.get());
        }
    }
}
