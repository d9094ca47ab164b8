package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.Backend;
import io.github.multiprocessing4j.PoolOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.launch.Hub;
import io.github.multiprocessing4j.internal.launch.WorkerJvm;
import io.github.multiprocessing4j.internal.pool.WorkerPool;
import io.github.multiprocessing4j.internal.shm.SharedFiles;
import io.github.multiprocessing4j.spi.Codec;
import java.util.Objects;

/**
 * The {@link Backend#PROCESSES} context: workers are JVMs launched with the options given, which
 * connect back to this context's {@link Hub} socket.
 */
public final class ProcessContext extends AbstractContext {

    private final ProcessOptions options;
    private final Codec codec;
    private final Object hubLock = new Object();
    private Hub hub;

    /**
     * Creates the context; nothing is launched until a worker starts.
     *
     * @param options how workers are started
     * @throws IllegalArgumentException if the options name an unknown codec
     */
    public ProcessContext(ProcessOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.codec = Codecs.byName(options.codec());
        SharedFiles.sweepStaleOnce();
    }

    @Override
    public Backend backend() {
        return Backend.PROCESSES;
    }

    @Override
    public WorkerProcess process(SerializableRunnable target) {
        Objects.requireNonNull(target, "target");
        requireOpen("a process");
        return new ProcessWorker(this, target);
    }

    @Override
    ProcessPool newPool(PoolOptions options, Runnable onTerminated) {
        return WorkerPool.onProcesses(options, codec, name -> launch(name, (jvm, frame) -> {
            // pool workers report through shared memory; control frames carry nothing for them
        }), onTerminated);
    }

    /** The codec of this context. */
    @Override
    public Codec codec() {
        return codec;
    }

    /** The options of this context. */
    public ProcessOptions options() {
        return options;
    }

    /**
     * Launches a worker JVM connected to this context's hub.
     *
     * @param name the worker's name
     * @param listener receives its frames
     * @return the launched worker
     */
    public WorkerJvm launch(String name, WorkerJvm.Listener listener) {
        synchronized (hubLock) {
            requireOpen("a worker JVM");
            if (hub == null) {
                hub = new Hub();
            }
            return WorkerJvm.launch(hub, name, options, listener);
        }
    }

    @Override
    void closeResources(boolean beforeWorkers) {
        if (beforeWorkers) {
            return; // the hub must accept the handshakes of workers still starting
        }
        synchronized (hubLock) {
            if (hub != null) {
                hub.close();
                hub = null;
            }
        }
    }
}
