package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * Contended cost of a {@link SharedLock} of the processes backend: two threads of a group each
 * lock it, increment a counter it guards and unlock it, as fast as they can. Neither lock is fair,
 * so a thread may take the lock again many times before the other gets it: this is contended
 * throughput, not a strict ping-pong hand-off (the bench's {@code value} group measures that
 * latency between processes). A
 * {@link ReentrantLock} under the same load is the in-JVM baseline. Reported as the average time
 * per critical section as seen by each thread; the group's throughput is two divided by it. The
 * uncontended figures are in {@link LockBenchmark}.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main LockHandoffBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LockHandoffBenchmark {

    /** The shared lock and the counter it guards, shared by a group's threads. */
    @State(Scope.Group)
    public static class Shared {

        Context context;
        SharedLock lock;
        long counter;

        @Setup
        public void setUp() {
            context = Multiprocessing.processes();
            lock = context.lock();
        }

        @TearDown
        public void tearDown() {
            context.close();
        }
    }

    /** The JDK lock and the counter it guards, shared by a group's threads. */
    @State(Scope.Group)
    public static class Jdk {

        final ReentrantLock lock = new ReentrantLock();
        long counter;
    }

    @Benchmark
    @Group("shared")
    @GroupThreads(2)
    public long sharedLockIncrementUnlock(Shared state) {
        state.lock.lock();
        try {
            return ++state.counter;
        } finally {
            state.lock.unlock();
        }
    }

    @Benchmark
    @Group("jdk")
    @GroupThreads(2)
    public long jdkLockIncrementUnlock(Jdk state) {
        state.lock.lock();
        try {
            return ++state.counter;
        } finally {
            state.lock.unlock();
        }
    }
}
