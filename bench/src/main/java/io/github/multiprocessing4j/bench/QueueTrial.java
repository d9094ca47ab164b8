package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.ipc.ByteRing;
import io.github.multiprocessing4j.internal.ipc.RingDescriptor;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The queue workloads of {@code ../shared/bench/python} ({@code pybench.py queue} and
 * {@code pingpong}), plus what the peer has no counterpart for. Run by {@code bench trial queue}.
 *
 * <ul>
 *   <li>1 producer process puts n items into a {@link SharedQueue}, the parent takes them: small
 *       ints, 1 KiB and 1 MiB byte arrays, the peer's counts. The clock runs from the producer's go
 *       signal to the last item taken, as in Python. The same processes repeat the round
 *       {@link #ROUNDS} times: the first round ({@code queue.<size>}) is what the peer measures (a
 *       fresh producer JVM, code not yet compiled), the median of the others
 *       ({@code queue.<size>.warm}) is the steady state.</li>
 *   <li>The same over a one-way {@link Pipe} ({@code pipe.<size>}).</li>
 *   <li>The same with 2 producer and 2 consumer processes ({@code queue2x2.<size>}).</li>
 *   <li>Latency: the parent puts its clock reading, a worker takes it, notes its own, and sends
 *       both back; one-way latency is the difference ({@code System.nanoTime} is the system-wide
 *       monotonic clock on Linux), the round trip is measured by the parent. And the peer's
 *       1-byte pipe ping-pong over a duplex {@link Pipe}.</li>
 *   <li>The machine's limit: the same transfers over a bare {@link ByteRing} in shared memory
 *       between two processes, with no locks, codec or framing ({@code ring.<size>}); and the
 *       queue's steady state as a share of it ({@code queue.<size>.warm_of_ring}).</li>
 * </ul>
 */
final class QueueTrial {

    static final int N_INT = 50_000;
    static final int N_1K = 30_000;
    static final int N_1M = 300;
    /** Rounds per workload: the first is cold, the rest give the steady state. */
    static final int ROUNDS = 20;
    static final int LATENCY_N = 10_000;
    static final int LATENCY_WARMUP = 2_000;
    static final int RING_BYTES = 1 << 20;
    static final long STALL_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final Duration STALL = Duration.ofNanos(STALL_NANOS);
    /** Steady-state items/s by workload name, for the queue-to-ring ratio. */
    private static final Map<String, Double> WARM = new HashMap<>();

    /** One transfer: n items of a size (0: small ints), repeated in {@code rounds} rounds. */
    private record Workload(String label, int size, int n, int rounds) implements java.io.Serializable {
        Workload(String label, int size, int n) {
            this(label, size, n, ROUNDS);
        }

        Workload withRounds(int r) {
            return new Workload(label, size, n, r);
        }
    }

    private static final List<Workload> WORKLOADS = List.of(new Workload("int", 0, N_INT),
            new Workload("1KiB", 1024, N_1K), new Workload("1MiB", 1 << 20, N_1M));

    private QueueTrial() {
    }

    static void run() throws Exception {
        // -Dbench.queue.parts=1x1,pipe,2x2,latency,ring picks parts (default: all); -Dbench.queue.sizes likewise
        List<String> parts = List.of(System.getProperty("bench.queue.parts", "1x1,pipe,2x2,latency,ring").split(","));
        List<String> sizes = List.of(System.getProperty("bench.queue.sizes", "int,1KiB,1MiB").split(","));
        int rounds = Integer.getInteger("bench.queue.rounds", ROUNDS); // at least 2
        List<Workload> workloads = WORKLOADS.stream().filter(w -> sizes.contains(w.label))
                .map(w -> w.withRounds(rounds)).toList();
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build())) {
            if (parts.contains("1x1")) {
                for (Workload w : workloads) {
                    oneToOne(context, w);
                }
            }
            if (parts.contains("pipe")) {
                for (Workload w : workloads) {
                    pipeOneToOne(context, w);
                }
            }
            if (parts.contains("2x2")) {
                for (Workload w : workloads) {
                    twoByTwo(context, w);
                }
            }
            if (parts.contains("latency")) {
                latency(context);
                pipePingPong(context);
            }
            if (parts.contains("ring")) {
                for (Workload w : workloads) {
                    rawRing(context, w);
                }
            }
            for (Workload w : workloads) {
                // the queue's steady state as a share of the bare ring's, both measured in this run
                Double queue = WARM.get("queue." + w.label);
                Double ring = WARM.get("ring." + w.label);
                if (queue != null && ring != null) {
                    Measurement.emit("queue." + w.label + ".warm_of_ring", 100 * queue / ring, "%");
                }
            }
        }
    }

    /** One producer process, the parent consumes. */
    private static void oneToOne(Context context, Workload w) throws Exception {
        try (SharedQueue<Object> queue = context.queue(); SharedQueue<Boolean> go = context.queue()) {
            WorkerProcess producer = context.process(() -> {
                for (int round = 0; round < w.rounds; round++) {
                    go.take();
                    produce(queue, w, 0, w.n);
                }
            }).start();
            double[] seconds = new double[w.rounds];
            for (int round = 0; round < w.rounds; round++) {
                long t0 = System.nanoTime();
                go.put(true);
                Object last = null;
                for (int i = 0; i < w.n; i++) {
                    last = take(queue);
                }
                seconds[round] = (System.nanoTime() - t0) / 1e9;
                checkLast(w, last);
            }
            producer.join();
            emitThroughput("queue." + w.label, w, seconds);
        }
    }

    /** The same over a one-way pipe: a worker sends, the parent receives. */
    private static void pipeOneToOne(Context context, Workload w) throws Exception {
        Pipe<Object> pipe = context.pipe(false);
        try (Connection<Object> in = pipe.first(); Connection<Object> out = pipe.second();
                SharedQueue<Boolean> go = context.queue()) {
            WorkerProcess producer = context.process(() -> {
                byte[] payload = new byte[w.size];
                for (int round = 0; round < w.rounds; round++) {
                    go.take();
                    for (int i = 0; i < w.n; i++) {
                        out.send(w.size == 0 ? Integer.valueOf(i) : payload);
                    }
                }
            }).start();
            double[] seconds = new double[w.rounds];
            for (int round = 0; round < w.rounds; round++) {
                long t0 = System.nanoTime();
                go.put(true);
                Object last = null;
                for (int i = 0; i < w.n; i++) {
                    last = in.recv(STALL);
                }
                seconds[round] = (System.nanoTime() - t0) / 1e9;
                checkLast(w, last);
            }
            producer.join();
            emitThroughput("pipe." + w.label, w, seconds);
        }
    }

    /** Two producer and two consumer processes; the parent only starts the rounds and waits. */
    private static void twoByTwo(Context context, Workload w) throws Exception {
        List<SharedQueue<Boolean>> gos = new ArrayList<>();
        try (SharedQueue<Object> queue = context.queue(); SharedQueue<Integer> done = context.queue()) {
            int half = w.n / 2;
            List<WorkerProcess> workers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int from = p * half;
                SharedQueue<Boolean> go = context.queue();
                gos.add(go);
                workers.add(context.process(() -> {
                    for (int round = 0; round < w.rounds; round++) {
                        go.take();
                        produce(queue, w, from, from + half);
                    }
                }).start());
            }
            for (int c = 0; c < 2; c++) {
                SharedQueue<Boolean> go = context.queue();
                gos.add(go);
                workers.add(context.process(() -> {
                    for (int round = 0; round < w.rounds; round++) {
                        go.take();
                        int count = 0;
                        for (int i = 0; i < half; i++) {
                            if (queue.take() != null) {
                                count++;
                            }
                        }
                        done.put(count);
                    }
                }).start());
            }
            double[] seconds = new double[w.rounds];
            for (int round = 0; round < w.rounds; round++) {
                long t0 = System.nanoTime();
                for (SharedQueue<Boolean> go : gos) {
                    go.put(true);
                }
                int taken = take(done) + take(done);
                seconds[round] = (System.nanoTime() - t0) / 1e9;
                if (taken != 2 * half) {
                    throw new AssertionError("taken " + taken + " of " + 2 * half);
                }
            }
            for (WorkerProcess worker : workers) {
                worker.join();
            }
            emitThroughput("queue2x2." + w.label, new Workload(w.label, w.size, 2 * half, w.rounds), seconds);
        } finally {
            gos.forEach(SharedQueue::close);
        }
    }

    private static void produce(SharedQueue<Object> queue, Workload w, int from, int to) throws InterruptedException {
        if (w.size == 0) {
            for (int i = from; i < to; i++) {
                queue.put(i);
            }
        } else {
            byte[] payload = new byte[w.size];
            for (int i = from; i < to; i++) {
                queue.put(payload);
            }
        }
    }

    /** Ping-pong of clock readings over two queues. */
    private static void latency(Context context) throws Exception {
        try (SharedQueue<Long> ping = context.queue(); SharedQueue<long[]> pong = context.queue()) {
            WorkerProcess echo = context.process(() -> {
                for (int i = 0; i < LATENCY_WARMUP + LATENCY_N; i++) {
                    long sent = ping.take();
                    pong.put(new long[] {sent, System.nanoTime()});
                }
            }).start();
            long[] oneWay = new long[LATENCY_N];
            long[] roundTrip = new long[LATENCY_N];
            for (int i = 0; i < LATENCY_WARMUP + LATENCY_N; i++) {
                long t0 = System.nanoTime();
                ping.put(t0);
                long[] back = take(pong);
                long t1 = System.nanoTime();
                if (back[0] != t0) {
                    throw new AssertionError("echo of another message");
                }
                if (i >= LATENCY_WARMUP) {
                    oneWay[i - LATENCY_WARMUP] = back[1] - t0;
                    roundTrip[i - LATENCY_WARMUP] = t1 - t0;
                }
            }
            echo.join();
            emitPercentiles("queue.latency.one_way", oneWay);
            emitPercentiles("queue.latency.rtt", roundTrip);
        }
    }

    /** The peer's pingpong: one byte each way over a duplex pipe. */
    private static void pipePingPong(Context context) throws Exception {
        Pipe<Object> pipe = context.pipe(true);
        try (Connection<Object> a = pipe.first(); Connection<Object> b = pipe.second()) {
            WorkerProcess pong = context.process(() -> {
                for (int i = 0; i < LATENCY_WARMUP + LATENCY_N; i++) {
                    b.sendBytes(b.recvBytes());
                }
            }).start();
            byte[] x = {'x'};
            long[] roundTrip = new long[LATENCY_N];
            for (int i = 0; i < LATENCY_WARMUP + LATENCY_N; i++) {
                long t0 = System.nanoTime();
                a.sendBytes(x);
                a.recvBytes();
                if (i >= LATENCY_WARMUP) {
                    roundTrip[i - LATENCY_WARMUP] = System.nanoTime() - t0;
                }
            }
            pong.join();
            emitPercentiles("pingpong.pipe_rtt", roundTrip);
        }
    }

    /** The same transfers over a bare ring: one writer process, the parent reads. */
    private static void rawRing(Context context, Workload w) throws Exception {
        try (SharedRegion region = SharedRegion.create("bench-ring", RingDescriptor.length(RING_BYTES));
                SharedQueue<Boolean> go = context.queue()) {
            ByteRing ring = ByteRing.format(region.segment(), RING_BYTES);
            String path = region.path().toString();
            int frame = Math.max(8, w.size);
            WorkerProcess writer = context.process(() -> {
                try (SharedRegion attached = SharedRegion.attach(Path.of(path))) {
                    ByteRing out = ByteRing.open(attached.segment());
                    byte[] payload = new byte[frame];
                    for (int round = 0; round < w.rounds; round++) {
                        go.take();
                        for (int i = 0; i < w.n; i++) {
                            out.write(payload, 0, frame);
                        }
                    }
                }
            }).start();
            Bytes into = new Bytes(frame);
            double[] seconds = new double[w.rounds];
            for (int round = 0; round < w.rounds; round++) {
                long t0 = System.nanoTime();
                go.put(true);
                for (int i = 0; i < w.n; i++) {
                    if (!ring.read(into, STALL_NANOS)) {
                        throw new IllegalStateException("the ring writer stalled for a minute");
                    }
                }
                seconds[round] = (System.nanoTime() - t0) / 1e9;
                if (into.size() != frame) {
                    throw new AssertionError("frame of " + into.size());
                }
            }
            writer.join();
            emitThroughput("ring." + w.label, new Workload(w.label, frame, w.n, w.rounds), seconds);
        }
    }

    /** The last item of a round must be the producer's last. */
    private static void checkLast(Workload w, Object last) {
        if (w.size == 0 ? !Integer.valueOf(w.n - 1).equals(last) : ((byte[]) last).length != w.size) {
            throw new AssertionError("wrong last item: " + last);
        }
    }

    /** The parent's take: a producer that died must fail the trial, not hang it. */
    private static <T> T take(SharedQueue<T> queue) throws InterruptedException {
        T item = queue.poll(STALL_NANOS, TimeUnit.NANOSECONDS);
        if (item == null) {
            throw new IllegalStateException("no item for a minute: did a worker die?");
        }
        return item;
    }

    private static void emitThroughput(String name, Workload w, double[] seconds) {
        double cold = seconds[0];
        double[] warm = Arrays.copyOfRange(seconds, 1, seconds.length);
        Arrays.sort(warm);
        double median = warm[warm.length / 2];
        Measurement.emit(name, w.n / cold, "items/s");
        Measurement.emit(name + ".warm", w.n / median, "items/s");
        WARM.put(name, w.n / median);
        if (w.size >= 1024) {
            Measurement.emit(name + ".MBps", (double) w.n * w.size / cold / 1e6, "MB/s");
            Measurement.emit(name + ".warm.MBps", (double) w.n * w.size / median / 1e6, "MB/s");
        }
    }

    private static void emitPercentiles(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Measurement.emit(name + "_p50", sorted[sorted.length / 2] / 1e3, "us");
        Measurement.emit(name + "_p99", sorted[(int) (sorted.length * 0.99)] / 1e3, "us");
    }
}
