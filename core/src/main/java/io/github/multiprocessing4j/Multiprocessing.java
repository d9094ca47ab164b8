package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.context.ProcessContext;
import io.github.multiprocessing4j.internal.context.ThreadContext;
import io.github.multiprocessing4j.internal.os.CpuCount;

/**
 * Creates {@link Context}s, Python's {@code multiprocessing.get_context()}.
 *
 * <pre>{@code
 * try (Context ctx = Multiprocessing.processes()) {          // worker JVMs
 *     ctx.process(() -> System.out.println("hi")).start().join();
 * }
 * try (Context ctx = Multiprocessing.virtualThreads()) {     // the same code on virtual threads
 *     ctx.process(() -> System.out.println("hi")).start().join();
 * }
 * }</pre>
 *
 * <p>Every call returns a new, independent context that the caller must close. Worker JVMs use
 * {@code java.lang.foreign}; run the parent with {@code --enable-native-access=ALL-UNNAMED} (or
 * {@code =io.github.multiprocessing4j} on the module path) to avoid the JDK's warning.
 */
public final class Multiprocessing {

    private Multiprocessing() {
    }

    /**
     * A context whose workers are separate JVMs started with the default {@link ProcessOptions}.
     *
     * @return a new context
     */
    public static Context processes() {
        return processes(ProcessOptions.defaults());
    }

    /**
     * A context whose workers are separate JVMs started with {@code options}.
     *
     * @param options heap, flags, properties, environment, codec and output of the workers
     * @return a new context
     * @throws IllegalArgumentException if the options name an unknown codec
     */
    public static Context processes(ProcessOptions options) {
        return new ProcessContext(options);
    }

    /**
     * A context whose workers are platform threads of this JVM, Python's
     * {@code multiprocessing.dummy}: the same API, no copying.
     *
     * @return a new context
     */
    public static Context threads() {
        return new ThreadContext(Backend.THREADS);
    }

    /**
     * A context whose workers are virtual threads of this JVM, for many concurrent I/O-bound tasks.
     *
     * @return a new context
     */
    public static Context virtualThreads() {
        return new ThreadContext(Backend.VIRTUAL_THREADS);
    }

    /**
     * The number of CPUs this process may use: the CPUs of its affinity mask, capped by its cgroup
     * CPU quota (rounded up), at least 1. Python's {@code cpu_count()} ignores both; this is the
     * right size for a CPU-bound pool.
     *
     * @return the usable CPU count
     */
    public static int cpuCount() {
        return CpuCount.get();
    }
}
