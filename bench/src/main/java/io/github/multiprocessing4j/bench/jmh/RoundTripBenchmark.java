package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.SerializableFunction;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one {@link ProcessPool#apply} of a trivial function on a pool of one worker: on the
 * {@code processes} backend the full cross-process round trip (encode the task, hand it to the
 * worker JVM through shared memory, run it, encode and hand back the result, decode it), and on
 * the {@code threads} backend the same pool machinery within this JVM as the baseline. Sampled,
 * so the output has percentiles besides the mean.
 *
 * <p>The processes context runs its worker without the AOT cache: the cache only speeds up a
 * worker's start, which this does not measure, and with it on, the first run after each build would
 * train a cache in a detached background JVM competing for the CPU with the measurement (and
 * outliving it). Setup starts and warms the worker; tear-down closes the pool and the context, so no
 * worker JVM is left.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main RoundTripBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RoundTripBenchmark {

    /** The task: as cheap as a task can be, so that what is measured is the round trip. */
    private static final SerializableFunction<Integer, Integer> INCREMENT = RoundTripBenchmark::increment;

    private static final int WARM_UP_CALLS = 2_000;

    @Param({"processes", "threads"})
    public String backend;

    private Context context;
    private ProcessPool pool;
    private int argument;

    static Integer increment(Integer x) {
        return x + 1;
    }

    @Setup
    public void setUp() throws InterruptedException, ExecutionException {
        context = switch (backend) {
            case "processes" -> Multiprocessing.processes(ProcessOptions.builder().aotCache(false).build());
            case "threads" -> Multiprocessing.threads();
            default -> throw new IllegalArgumentException("backend: " + backend + " (expected: processes or threads)");
        };
        pool = context.pool(1);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            Integer result = pool.apply(INCREMENT, i);
            if (result != i + 1) {
                throw new IllegalStateException("apply(increment, " + i + ") returned " + result);
            }
        }
    }

    @TearDown
    public void tearDown() {
        try {
            pool.close();
        } finally {
            context.close();
        }
    }

    @Benchmark
    public Integer apply() throws InterruptedException, ExecutionException {
        return pool.apply(INCREMENT, argument++);
    }
}
