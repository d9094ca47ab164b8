package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;

/**
 * The queue workloads of {@code ../shared/bench/python} ({@code pybench.py queue}): one producer
 * process puts n items into a {@link SharedQueue}, the parent takes them; small ints, 1 KiB and
 * 1 MiB byte arrays, with the same counts as the Python peer. The clock runs from the producer's
 * go signal to the last item taken, as in Python. Run by {@code bench trial queue}.
 */
final class QueueTrial {

    static final int N_INT = 50_000;
    static final int N_1K = 30_000;
    static final int N_1M = 300;

    private QueueTrial() {
    }

    static void run() throws Exception {
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build())) {
            measure(context, "int", 0, N_INT);
            measure(context, "1KiB", 1024, N_1K);
            measure(context, "1MiB", 1 << 20, N_1M);
        }
    }

    private static void measure(Context context, String label, int size, int n) throws Exception {
        SharedQueue<Object> queue = context.queue();
        SharedQueue<Boolean> ready = context.queue();
        SharedQueue<Boolean> go = context.queue();
        WorkerProcess producer = context.process(() -> {
            byte[] payload = new byte[size];
            ready.put(true);
            go.take();
            if (size == 0) {
                for (int i = 0; i < n; i++) {
                    queue.put(i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    queue.put(payload);
                }
            }
        }).start();
        ready.take();
        long t0 = System.nanoTime();
        go.put(true);
        Object last = null;
        for (int i = 0; i < n; i++) {
            last = queue.take();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        producer.join();
        if (size == 0 ? !Integer.valueOf(n - 1).equals(last) : ((byte[]) last).length != size) {
            throw new AssertionError("wrong last item");
        }
        Measurement.emit("queue." + label, n / seconds, "items/s");
        if (size >= 1024) {
            Measurement.emit("queue." + label + ".MBps", (double) n * size / seconds / 1e6, "MB/s");
        }
        queue.close();
        ready.close();
        go.close();
    }
}
