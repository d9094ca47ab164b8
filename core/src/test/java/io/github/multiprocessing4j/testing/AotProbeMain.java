package io.github.multiprocessing4j.testing;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs from a jar class path (the only kind the JDK's AOT cache supports) for the AOT cache test.
 *
 * <p>Arguments: {@code <aot dir> <report file> <wait for cache: true|false>}. Starts one worker
 * whose target writes the JVM's {@code java.vm.info} (it says "sharing" when a cache is mapped)
 * and its AOT arguments to the report file. With waiting on, it then keeps starting workers until
 * the background training has written a cache, so the cache exists when it returns.
 */
public final class AotProbeMain {

    private AotProbeMain() {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment
     * @throws Exception on failure, which fails the test through the exit code
     */
    public static void main(String[] args) throws Exception {
        Path aotDir = Path.of(args[0]);
        String report = args[1];
        boolean waitForCache = Boolean.parseBoolean(args[2]);
        long cachesBefore = caches(aotDir);
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().build())) {
            WorkerProcess probe = context.process(() -> Files.write(Path.of(report), List.of(
                    System.getProperty("java.vm.info"),
                    String.join(" ", ProcessHandle.current().info().arguments().orElseThrow()))))
                    .start();
            probe.join();
            if (probe.exitCode().orElseThrow() != 0) {
                throw new IllegalStateException("probe worker failed: " + probe.exitCode());
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (waitForCache && caches(aotDir) == cachesBefore) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no AOT cache in " + aotDir + " after 120 s");
                }
                context.process(() -> { }).start().join(); // keep the parent alive and busy while training runs
            }
        }
    }

    private static long caches(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aot")).count();
        }
    }
}
