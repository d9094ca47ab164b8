package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedLock;
import io.github.multiprocessing4j.SharedLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended costs of the process-shared primitives, beside the JDK's in-process lock: one
 * thread locks and unlocks a {@link SharedLock} (target: under 100 ns), a reentrant one, and
 * increments a {@link SharedLong} atomically and under its lock.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main LockBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LockBenchmark {

    private Context context;
    private SharedLock lock;
    private SharedLock reentrant;
    private SharedLong counter;
    private final ReentrantLock jdk = new ReentrantLock();

    @Setup
    public void setUp() {
        context = Multiprocessing.threads();
        lock = context.lock();
        reentrant = context.reentrantLock();
        counter = context.sharedLong(0);
    }

    @TearDown
    public void tearDown() {
        context.close();
    }

    @Benchmark
    public void sharedLockUnlock() {
        lock.lock();
        lock.unlock();
    }

    @Benchmark
    public void sharedReentrantLockUnlock() {
        reentrant.lock();
        reentrant.unlock();
    }

    @Benchmark
    public void jdkReentrantLockUnlock() {
        jdk.lock();
        jdk.unlock();
    }

    @Benchmark
    public long sharedLongIncrementAndGet() {
        return counter.incrementAndGet();
    }

    @Benchmark
    public long sharedLongUnderItsLock() {
        counter.lock().lock();
        try {
            long next = counter.get() + 1;
            counter.set(next);
            return next;
        } finally {
            counter.lock().unlock();
        }
    }
}
