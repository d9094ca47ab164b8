package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.context.ProcessContext;
import io.github.multiprocessing4j.internal.launch.WorkerJvm;

/**
 * Worker JVM cold start, the Java side of {@code bench.py start spawn}: the first worker of a JVM,
 * then the mean of {@link #WORKERS} sequential {@code start(); join()} of a no-op target, and the
 * time from launch to the worker's handshake (ready for work).
 */
final class StartTrial {

    static final int WORKERS = Integer.getInteger("bench.start.workers", 20);

    private StartTrial() {
    }

    static void run(boolean aot) throws Exception {
        String tag = aot ? "aot" : "noaot";
        ProcessOptions options = ProcessOptions.builder().aotCache(aot).output(OutputSink.discard()).build();
        SerializableRunnable noop = () -> { };
        try (Context context = Multiprocessing.processes(options)) {
            long t0 = System.nanoTime();
            context.process(noop).start().join();
            Measurement.emit("start." + tag + ".process_first", (System.nanoTime() - t0) / 1e6, "ms");

            long total = 0;
            for (int i = 0; i < WORKERS; i++) {
                long t = System.nanoTime();
                context.process(noop).start().join();
                total += System.nanoTime() - t;
            }
            Measurement.emit("start." + tag + ".process_start_join", total / 1e6 / WORKERS, "ms");

            ProcessContext processes = (ProcessContext) context;
            long ready = 0;
            for (int i = 0; i < WORKERS; i++) {
                long t = System.nanoTime();
                WorkerJvm jvm = processes.launch("ready-probe", (worker, frame) -> { });
                jvm.ready().join();
                ready += System.nanoTime() - t;
                jvm.kill();
                jvm.exited().join();
            }
            Measurement.emit("start." + tag + ".worker_ready", ready / 1e6 / WORKERS, "ms");
        }
    }
}
