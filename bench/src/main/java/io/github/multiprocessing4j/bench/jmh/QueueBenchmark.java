package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Control;

/**
 * Throughput of a bounded {@link SharedQueue} of the processes backend ({@code ctx.queue(1024)})
 * with one producer thread and one consumer thread, beside an {@link ArrayBlockingQueue} of the
 * same capacity as the in-JVM baseline. Both threads are in this JVM, but every element goes
 * through the queue's shared memory exactly as between processes: encoded by the producer, copied
 * into the ring, decoded by the consumer. JMH reports each group's total (puts plus takes) and,
 * as secondary results, {@code put} and {@code take} alone: elements transferred per microsecond
 * is the {@code take} figure.
 *
 * <p>Neither side blocks without a bound: a producer or consumer blocked in {@code put} or
 * {@code take} when the other side has finished its iteration would wait forever and hang the
 * run. So each side offers or polls with a short timeout and retries until it succeeds or JMH
 * {@linkplain Control#stopMeasurement stops the measurement}; an operation cut short that way is
 * at most one per thread and iteration.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main QueueBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QueueBenchmark {

    /** Queue capacity, in elements, of both queues. */
    static final int CAPACITY = 1024;

    /** How long one offer or poll waits before checking whether the iteration has ended. */
    static final long TIMEOUT_MICROS = 100;

    private static final Integer ELEMENT = 42;

    /** The queue shared by a group's producer and consumer. */
    @State(Scope.Group)
    public static class Shared {

        Context context;
        SharedQueue<Integer> queue;

        @Setup
        public void setUp() {
            context = Multiprocessing.processes();
            queue = context.queue(CAPACITY);
        }

        @TearDown
        public void tearDown() {
            context.close();
        }
    }

    /** The in-JVM baseline, shared by a group's producer and consumer. */
    @State(Scope.Group)
    public static class Jdk {

        final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(CAPACITY);
    }

    private static void put(BlockingQueue<Integer> queue, Control control) throws InterruptedException {
        while (!queue.offer(ELEMENT, TIMEOUT_MICROS, TimeUnit.MICROSECONDS) && !control.stopMeasurement) {
            // full: the consumer is behind (or has stopped)
        }
    }

    private static Integer take(BlockingQueue<Integer> queue, Control control) throws InterruptedException {
        Integer element;
        while ((element = queue.poll(TIMEOUT_MICROS, TimeUnit.MICROSECONDS)) == null && !control.stopMeasurement) {
            // empty: the producer is behind (or has stopped)
        }
        return element;
    }

    @Benchmark
    @Group("shared")
    @GroupThreads(1)
    public void sharedPut(Shared state, Control control) throws InterruptedException {
        put(state.queue, control);
    }

    @Benchmark
    @Group("shared")
    @GroupThreads(1)
    public Integer sharedTake(Shared state, Control control) throws InterruptedException {
        return take(state.queue, control);
    }

    @Benchmark
    @Group("jdk")
    @GroupThreads(1)
    public void jdkPut(Jdk state, Control control) throws InterruptedException {
        put(state.queue, control);
    }

    @Benchmark
    @Group("jdk")
    @GroupThreads(1)
    public Integer jdkTake(Jdk state, Control control) throws InterruptedException {
        return take(state.queue, control);
    }
}
