package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SharedLong#incrementAndGet()} (an atomic add on shared memory, no lock) of the processes
 * backend, from one thread and from two threads hitting the same counter, beside
 * {@link AtomicLong#incrementAndGet()} under the same loads. The groups {@code shared1} and
 * {@code jdk1} have one thread, {@code shared2} and {@code jdk2} two; the time is per increment as
 * seen by each thread.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main AtomicCounterBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AtomicCounterBenchmark {

    /** A shared counter, one per group. */
    @State(Scope.Group)
    public static class Shared {

        Context context;
        SharedLong counter;

        @Setup
        public void setUp() {
            context = Multiprocessing.processes();
            counter = context.sharedLong(0);
        }

        @TearDown
        public void tearDown() {
            context.close();
        }
    }

    /** The in-JVM baseline, one per group. */
    @State(Scope.Group)
    public static class Jdk {

        final AtomicLong counter = new AtomicLong();
    }

    @Benchmark
    @Group("shared1")
    @GroupThreads(1)
    public long sharedLongOneThread(Shared state) {
        return state.counter.incrementAndGet();
    }

    @Benchmark
    @Group("shared2")
    @GroupThreads(2)
    public long sharedLongTwoThreads(Shared state) {
        return state.counter.incrementAndGet();
    }

    @Benchmark
    @Group("jdk1")
    @GroupThreads(1)
    public long atomicLongOneThread(Jdk state) {
        return state.counter.incrementAndGet();
    }

    @Benchmark
    @Group("jdk2")
    @GroupThreads(2)
    public long atomicLongTwoThreads(Jdk state) {
        return state.counter.incrementAndGet();
    }
}
