package io.github.multiprocessing4j.bench.jmh;

import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode + decode round trip of the payloads a pool sends, with each built-in codec: the chooser
 * of the default codec.
 *
 * <p>Run: {@code java -cp "bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main CodecBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CodecBenchmark {

    /** A small value object, as tasks often carry. */
    public record Order(long id, String customer, double amount, List<String> items) implements Serializable {
    }

    @Param({"jdk", "fory"})
    public String codecName;

    private Codec codec;
    private final Bytes buffer = new Bytes(1 << 16);
    private Object lambda;
    private Object order;
    private Object list;
    private Object exception;

    @Setup
    public void setUp() {
        codec = Codecs.byName(codecName);
        int offset = 7;
        lambda = (SerializableFunction<Integer, Integer>) x -> x + offset;
        order = new Order(42, "ACME Corporation", 1234.5, List.of("widget", "gadget", "sprocket"));
        List<Integer> ints = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ints.add(i);
        }
        list = ints;
        exception = new IllegalStateException("task failed", new IOException("disk"));
    }

    private Object roundTrip(Object value) throws Exception {
        buffer.clear();
        codec.encode(value, buffer);
        return codec.decode(buffer.array(), 0, buffer.size());
    }

    @Benchmark
    public Object capturingLambda() throws Exception {
        return roundTrip(lambda);
    }

    @Benchmark
    public Object smallRecord() throws Exception {
        return roundTrip(order);
    }

    @Benchmark
    public Object listOf1000Integers() throws Exception {
        return roundTrip(list);
    }

    @Benchmark
    public Object exceptionWithCause() throws Exception {
        return roundTrip(exception);
    }
}
