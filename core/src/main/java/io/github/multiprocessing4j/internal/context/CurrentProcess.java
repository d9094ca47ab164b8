package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.WorkerProcess;
import java.util.Optional;

/**
 * Answers {@link WorkerProcess#current()} and {@link WorkerProcess#parent()}: a thread-backed
 * worker binds itself to its thread; a worker JVM records its own name and its parent at start;
 * everything else is the main process.
 */
public final class CurrentProcess {

    private static final ThreadLocal<WorkerProcess> THREAD_WORKER = new ThreadLocal<>();
    private static volatile WorkerProcess self = new ProcessView("MainProcess", ProcessHandle.current().pid(), false);
    private static volatile WorkerProcess parent;

    private CurrentProcess() {
    }

    /**
     * The current process or thread-backed worker.
     *
     * @return never {@code null}
     */
    public static WorkerProcess current() {
        WorkerProcess worker = THREAD_WORKER.get();
        return worker != null ? worker : self;
    }

    /**
     * The parent of this worker JVM.
     *
     * @return the parent, or empty in the main process and in thread-backed workers
     */
    public static Optional<WorkerProcess> parent() {
        return THREAD_WORKER.get() != null ? Optional.empty() : Optional.ofNullable(parent);
    }

    /**
     * Whether this JVM is a worker started by the library.
     *
     * @return {@code true} inside a worker JVM
     */
    public static boolean inWorkerJvm() {
        return parent != null;
    }

    /**
     * Records, at the start of a worker JVM, who it is and who started it.
     *
     * @param name the worker's name
     * @param parentPid the parent's pid
     * @param parentName the parent's own name
     */
    public static void enterWorkerJvm(String name, long parentPid, String parentName) {
        self = new ProcessView(name, ProcessHandle.current().pid(), false);
        parent = new ProcessView(parentName, parentPid, true);
    }

    /**
     * Binds a thread-backed worker to the current thread.
     *
     * @param worker the worker, or {@code null} to unbind
     */
    static void bindThread(WorkerProcess worker) {
        if (worker == null) {
            THREAD_WORKER.remove();
        } else {
            THREAD_WORKER.set(worker);
        }
    }
}
