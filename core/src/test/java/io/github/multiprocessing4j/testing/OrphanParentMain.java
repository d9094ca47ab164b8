package io.github.multiprocessing4j.testing;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.WorkerProcess;
import java.nio.file.Path;

/**
 * A parent JVM for parent-death tests: starts one worker that blocks forever, writes the worker's
 * pid to a file, then, depending on the mode, blocks forever, exits without closing its context,
 * or throws from main.
 *
 * <p>Arguments: {@code <directory> <mode> <wait for worker ready: true|false> <death signal: setpriv|ffm|off>}.
 */
public final class OrphanParentMain {

    private OrphanParentMain() {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment
     * @throws Exception to end the JVM in mode {@code throw}
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        boolean waitForReady = Boolean.parseBoolean(args[2]);
        String ready = dir.resolve("worker-ready").toString();
        ProcessOptions options = ProcessOptions.builder().output(OutputSink.discard())
                .systemProperty("multiprocessing4j.deathSignal", args[3]).build();
        Context context = Multiprocessing.processes(options);
        WorkerProcess worker = context.process(() -> {
            Files2.write(ready, "");
            Files2.blockForever();
        }).name("orphan").start();
        if (waitForReady) {
            Files2.await(ready);
        }
        Files2.write(dir.resolve("worker-pid").toString(), Long.toString(worker.pid().orElseThrow()));
        switch (mode) {
            case "exit" -> System.exit(0);
            case "halt" -> Runtime.getRuntime().halt(0);
            case "throw" -> throw new IllegalStateException("main dies, the worker must follow");
            default -> Files2.blockForever();
        }
    }
}
