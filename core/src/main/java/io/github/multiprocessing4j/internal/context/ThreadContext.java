package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.Backend;
import io.github.multiprocessing4j.PoolOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.pool.WorkerPool;
import io.github.multiprocessing4j.spi.Codec;
import java.util.Objects;

/**
 * The {@link Backend#THREADS} and {@link Backend#VIRTUAL_THREADS} contexts: workers are threads of
 * this JVM and captured objects are shared, not copied (queue and pipe elements are copied, as on
 * every backend).
 */
public final class ThreadContext extends AbstractContext {

    private static final Codec CODEC = Codecs.byName("jdk");

    private final Backend backend;

    /**
     * Creates a thread-backed context.
     *
     * @param backend {@link Backend#THREADS} or {@link Backend#VIRTUAL_THREADS}
     */
    public ThreadContext(Backend backend) {
        if (backend == Backend.PROCESSES) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: THREADS or VIRTUAL_THREADS)");
        }
        this.backend = backend;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public WorkerProcess process(SerializableRunnable target) {
        Objects.requireNonNull(target, "target");
        requireOpen("a process");
        return new ThreadWorker(this, target);
    }

    @Override
    ProcessPool newPool(PoolOptions options, Runnable onTerminated) {
        return WorkerPool.onThreads(backend, options, (name, body) -> newThread(name, true, body), onTerminated);
    }

    /**
     * Creates an unstarted thread of this backend.
     *
     * @param name the thread name
     * @param daemon whether a platform thread is a daemon (virtual threads always are)
     * @param body what it runs
     * @return the thread
     */
    public Thread newThread(String name, boolean daemon, Runnable body) {
        if (backend == Backend.VIRTUAL_THREADS) {
            return Thread.ofVirtual().name(name).unstarted(body);
        }
        return Thread.ofPlatform().name(name).daemon(daemon).unstarted(body);
    }

    /** Queues and pipes copy their elements on every backend, with the default codec. */
    @Override
    Codec codec() {
        return CODEC;
    }

    @Override
    void closeResources(boolean beforeWorkers) {
        // threads hold nothing beyond themselves
    }
}
