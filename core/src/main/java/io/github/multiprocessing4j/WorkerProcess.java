package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.context.CurrentProcess;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A unit of work with its own lifecycle, Python's {@code multiprocessing.Process}: on the
 * {@link Backend#PROCESSES processes} backend a separate worker JVM, on the thread backends a
 * thread.
 *
 * <pre>{@code
 * try (Context ctx = Multiprocessing.processes()) {
 *     WorkerProcess p = ctx.process(() -> System.out.println("hello from " + ProcessHandle.current().pid()))
 *             .name("greeter")
 *             .start();
 *     p.join();
 *     System.out.println(p.exitCode());   // OptionalInt[0]
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * A worker is created unstarted by {@link Context#process}. {@link #name(String)} and
 * {@link #daemon(boolean)} may be set until {@link #start()}; {@code start()} may be called once.
 * It then runs until its target returns (exit code 0), throws (exit code 1, the exception is
 * available from {@link #failure()}), calls {@code System.exit(n)} (exit code {@code n}), or is
 * stopped by {@link #terminate()} or {@link #kill()}, or a signal (exit code minus the signal
 * number, as in Python). {@link #close()} releases what the worker holds once it has ended.
 *
 * <h2>Visibility</h2>
 * On the processes backend the target and everything it captures are copied (serialized) at
 * {@code start()}, in the caller's thread; later changes to those objects in the parent are not
 * seen by the worker and changes in the worker are not seen by the parent. Share state through the
 * context's queues, pipes and shared values instead. On the thread backends the target runs on a
 * new thread with the usual happens-before edges of {@link Thread#start()} and
 * {@link Thread#join()}: actions before {@code start()} happen-before the target, and the target's
 * actions happen-before a {@link #join()} that returns.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. {@link #join()} may be called from several threads at once.
 */
public interface WorkerProcess extends AutoCloseable {

    /**
     * Sets the name, used as the prefix of forwarded output and in error messages. The default is
     * {@code Process-N}.
     *
     * @param name a non-blank name
     * @return this worker
     * @throws IllegalStateException if the worker was started
     */
    WorkerProcess name(String name);

    /**
     * Marks the worker as a daemon: {@link Context#close()} terminates daemon workers, and waits
     * for the others to finish, as Python does at interpreter exit.
     *
     * @param daemon whether the worker is a daemon
     * @return this worker
     * @throws IllegalStateException if the worker was started
     */
    WorkerProcess daemon(boolean daemon);

    /**
     * Starts the worker. On the processes backend the target is serialized here, in the caller's
     * thread, then a worker JVM is launched; this method returns once the JVM is launched, without
     * waiting for it to be ready.
     *
     * @return this worker
     * @throws NotSerializableTaskException if the target cannot be serialized; nothing is started
     * @throws IllegalStateException if the worker was already started, or its context is closed
     */
    WorkerProcess start();

    /**
     * Waits until the worker has ended and its output has been forwarded.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if the worker was never started
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the worker to end.
     *
     * @param timeout how long to wait; zero or negative checks without waiting
     * @return {@code true} if the worker has ended, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if the worker was never started
     */
    boolean join(Duration timeout) throws InterruptedException;

    /**
     * Whether the worker was started and has not ended.
     *
     * @return {@code true} while it runs
     */
    boolean isAlive();

    /**
     * Asks the worker to stop: SIGTERM for a worker JVM, which runs its shutdown hooks and ends with
     * exit code {@code -15}. On the thread backends the thread is interrupted, since a thread cannot
     * be stopped from outside. Does nothing if the worker has ended or was never started.
     */
    void terminate();

    /**
     * Stops the worker at once: SIGKILL for a worker JVM (exit code {@code -9}). On the thread
     * backends this interrupts the thread, as {@link #terminate()} does. Does nothing if the worker
     * has ended or was never started.
     */
    void kill();

    /**
     * Releases the resources the worker holds. Like Python's {@code Process.close()}, this fails
     * if the worker is still running; closing an unstarted or already closed worker does nothing.
     *
     * @throws IllegalStateException if the worker is still running
     */
    @Override
    void close();

    /**
     * The exit code: 0 after the target returned, 1 after it threw, {@code n} after
     * {@code System.exit(n)}, minus the signal number when a signal ended the worker JVM.
     *
     * @return the exit code, or empty while the worker runs or before it starts
     */
    OptionalInt exitCode();

    /**
     * The operating-system process id: the worker JVM's on the processes backend, this JVM's on the
     * thread backends.
     *
     * @return the pid, or empty before {@link #start()}
     */
    OptionalLong pid();

    /**
     * The worker's name.
     *
     * @return the name
     */
    String name();

    /**
     * Whether the worker is a daemon.
     *
     * @return the daemon flag
     */
    boolean isDaemon();

    /**
     * A future completed with this worker when it has ended and its output has been forwarded. It
     * is completed on an internal thread, never on the common pool.
     *
     * @return the future, the same on every call
     */
    CompletableFuture<WorkerProcess> onExit();

    /**
     * The exception the target threw, if it threw. On the processes backend this is the original
     * exception type when it can be deserialized here, with the worker's stack trace, else a
     * {@link RemoteException} carrying its class name, message and stack trace.
     *
     * @return the failure, or empty if the target has not thrown
     */
    Optional<Throwable> failure();

    /**
     * The process or thread this code runs in: inside a worker JVM the worker itself (its name and
     * pid), inside a thread-backed worker that worker, and elsewhere the main process, named
     * {@code MainProcess}. The returned object cannot be started, joined or stopped.
     *
     * @return the current process
     */
    static WorkerProcess current() {
        return CurrentProcess.current();
    }

    /**
     * The process that started this worker JVM. Empty in the main process and in thread-backed
     * workers, as Python's {@code parent_process()}.
     *
     * @return the parent, or empty
     */
    static Optional<WorkerProcess> parent() {
        return CurrentProcess.parent();
    }
}
