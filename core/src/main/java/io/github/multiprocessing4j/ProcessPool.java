package io.github.multiprocessing4j;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * A pool of workers, Python's {@code multiprocessing.Pool} as an {@link ExecutorService}. Obtain
 * one from {@link Context#pool(int)} or {@link Context#pool(PoolOptions)}; on the processes backend
 * each worker is a JVM, on the others a thread.
 *
 * <pre>{@code
 * try (ProcessPool pool = Multiprocessing.processes().pool(4)) {
 *     List<Long> sums = pool.map(Primes::sumBelow, List.of(100_000, 200_000, 300_000));
 *     CompletableFuture<Long> one = pool.applyAsync(Primes::sumBelow, 1_000_000);
 *     pool.imapUnordered(Images::thumbnail, files).forEach(this::save);
 * }
 * }</pre>
 *
 * <h2>Copying</h2> On the processes backend functions, arguments and results are copied with the
 * context's codec: functions and arguments are encoded in the caller's thread, so one that cannot
 * be serialized fails there with {@link NotSerializableTaskException} and nothing is submitted.
 * On the thread backends nothing is copied.
 *
 * <h2>Failures</h2> A task's exception reaches the caller as the cause of an
 * {@link ExecutionException} (or {@link java.util.concurrent.CompletionException}): its original
 * type, with cause chain and remote stack trace, when it can be decoded here, else a
 * {@link RemoteException}. The pool never breaks: a worker that dies (System.exit, Runtime.halt,
 * kill -9, OutOfMemoryError, a native crash) fails only the task it was running, with
 * {@link WorkerCrashedException}, and is replaced; tasks queued behind it run on other workers.
 * Inside a chunk of a {@code map}, only the item that was running fails; the chunk's other items
 * are run again. A task past its deadline ({@link PoolOptions#taskTimeout}, or a per-call timeout)
 * fails with {@link TaskTimeoutException} and its worker is killed and replaced;
 * {@code cancel(true)} on a running task does the same. On the thread backends a thread cannot be
 * killed: it is interrupted, abandoned and replaced, and its eventual result is discarded.
 *
 * <h2>Threads</h2> Every method is thread-safe. Futures returned by the pool complete on the
 * pool's own threads, never on {@link java.util.concurrent.ForkJoinPool#commonPool()}; their
 * default executor for {@code *Async} stages is a pool-owned executor. Non-async dependent stages
 * run on the thread that delivers results: keep them short, or use the {@code *Async} variants.
 * Completing a task happens-before the completion of its future.
 *
 * <h2>Lifecycle</h2> {@link #shutdown()}, {@link #shutdownNow()}, {@link #awaitTermination} and
 * {@link #close()} behave as {@link ExecutorService} specifies. After {@code shutdown()} queued
 * tasks still run; new ones are rejected with {@link RejectedExecutionException}. Termination
 * means every worker has ended and every shared-memory file of the pool is gone. Closing the
 * pool's {@link Context} shuts the pool down now.
 */
public interface ProcessPool extends ExecutorService {

    /**
     * Where the workers run.
     *
     * @return the backend
     */
    Backend backend();

    /**
     * The number of workers the pool keeps.
     *
     * @return the pool size
     */
    int workers();

    /**
     * Runs {@code function(argument)} in a worker and waits for the result, Python's {@code apply}.
     *
     * @param function what to run
     * @param argument its argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the result
     * @throws ExecutionException if the function threw (the cause), or its worker crashed or timed out
     * @throws InterruptedException if interrupted while waiting; the task is cancelled
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NotSerializableTaskException if the function or argument cannot be copied to a worker
     */
    <T, R> R apply(SerializableFunction<? super T, ? extends R> function, T argument)
            throws InterruptedException, ExecutionException;

    /**
     * Like {@link #apply(SerializableFunction, Object)} with a deadline for this call, measured from
     * when the task starts running.
     *
     * @param function what to run
     * @param argument its argument
     * @param timeout the deadline
     * @param <T> the argument type
     * @param <R> the result type
     * @return the result
     * @throws ExecutionException with {@link TaskTimeoutException} as cause if the deadline passed
     * @throws InterruptedException if interrupted while waiting; the task is cancelled
     */
    <T, R> R apply(SerializableFunction<? super T, ? extends R> function, T argument, Duration timeout)
            throws InterruptedException, ExecutionException;

    /**
     * Runs {@code function(argument)} in a worker, Python's {@code apply_async}.
     *
     * @param function what to run
     * @param argument its argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return a future completed on a pool thread
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NotSerializableTaskException if the function or argument cannot be copied to a worker
     */
    <T, R> CompletableFuture<R> applyAsync(SerializableFunction<? super T, ? extends R> function, T argument);

    /**
     * Like {@link #applyAsync(SerializableFunction, Object)} with a deadline for this call.
     *
     * @param function what to run
     * @param argument its argument
     * @param timeout the deadline, from when the task starts running
     * @param <T> the argument type
     * @param <R> the result type
     * @return a future completed on a pool thread
     */
    <T, R> CompletableFuture<R> applyAsync(SerializableFunction<? super T, ? extends R> function, T argument,
            Duration timeout);

    /**
     * Applies {@code function} to every item, in order, Python's {@code map}. The first chunk has
     * Python's default size (the items divided by four times the workers, rounded up); each later
     * chunk is the items left divided by four times the workers (at most that size), so chunks shrink towards the end
     * and the last items, which may be the slowest, spread over all workers instead of waiting in
     * one worker's chunk.
     *
     * @param function what to run
     * @param items the arguments, read at once
     * @param <T> the argument type
     * @param <R> the result type
     * @return the results, in the order of {@code items}
     * @throws ExecutionException if any item failed (the first failure to arrive)
     * @throws InterruptedException if interrupted while waiting; the call is cancelled
     */
    <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items)
            throws InterruptedException, ExecutionException;

    /**
     * Like {@link #map(SerializableFunction, Iterable)} in chunks of {@code chunkSize} items: a
     * chunk is what one worker receives at once.
     *
     * @param function what to run
     * @param items the arguments
     * @param chunkSize at least 1
     * @param <T> the argument type
     * @param <R> the result type
     * @return the results, in order
     * @throws ExecutionException if any item failed
     * @throws InterruptedException if interrupted while waiting
     */
    <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items,
            int chunkSize) throws InterruptedException, ExecutionException;

    /**
     * {@link #map(SerializableFunction, Iterable)} without waiting, Python's {@code map_async}.
     *
     * @param function what to run
     * @param items the arguments
     * @param <T> the argument type
     * @param <R> the result type
     * @return a future of the results in order; it fails with the first failure to arrive
     */
    <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items);

    /**
     * {@link #map(SerializableFunction, Iterable, int)} without waiting, reporting progress.
     *
     * @param function what to run
     * @param items the arguments
     * @param chunkSize at least 1, or 0 for the default
     * @param progress told after each chunk, or {@code null}
     * @param <T> the argument type
     * @param <R> the result type
     * @return a future of the results in order
     */
    <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items, int chunkSize, ProgressListener progress);

    /**
     * Applies {@code function} to the items lazily, Python's {@code imap}: items are read from
     * {@code items} only as results are taken, with a bounded number in flight, and results come in
     * the order of the items. A failed item throws its exception, wrapped in a
     * {@link java.util.concurrent.CompletionException}, when its result is reached. Closing the
     * stream cancels the items still in flight.
     *
     * @param function what to run
     * @param items the arguments, possibly endless
     * @param <T> the argument type
     * @param <R> the result type
     * @return a sequential stream of the results
     */
    <T, R> Stream<R> imap(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items);

    /**
     * Like {@link #imap(SerializableFunction, Iterable)} with {@code chunkSize} items per task.
     *
     * @param function what to run
     * @param items the arguments
     * @param chunkSize at least 1
     * @param <T> the argument type
     * @param <R> the result type
     * @return a sequential stream of the results, in order
     */
    <T, R> Stream<R> imap(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items,
            int chunkSize);

    /**
     * Like {@link #imap(SerializableFunction, Iterable)}, results in the order they complete,
     * Python's {@code imap_unordered}.
     *
     * @param function what to run
     * @param items the arguments
     * @param <T> the argument type
     * @param <R> the result type
     * @return a sequential stream of the results, in completion order
     */
    <T, R> Stream<R> imapUnordered(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items);

    /**
     * Like {@link #imapUnordered(SerializableFunction, Iterable)} with {@code chunkSize} items per task.
     *
     * @param function what to run
     * @param items the arguments
     * @param chunkSize at least 1
     * @param <T> the argument type
     * @param <R> the result type
     * @return a sequential stream of the results, in completion order
     */
    <T, R> Stream<R> imapUnordered(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items, int chunkSize);

    /**
     * Applies a two-argument function to each pair, in order, Python's {@code starmap}. The entries
     * themselves are not copied, only their keys and values.
     *
     * @param function what to run
     * @param pairs the argument pairs, for example {@code List.of(Map.entry(2, 10), Map.entry(3, 4))}
     * @param <A> the first argument type
     * @param <B> the second argument type
     * @param <R> the result type
     * @return the results, in order
     * @throws ExecutionException if any item failed
     * @throws InterruptedException if interrupted while waiting
     */
    <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> function,
            Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs)
            throws InterruptedException, ExecutionException;

    /**
     * {@link #starmap} without waiting, Python's {@code starmap_async}.
     *
     * @param function what to run
     * @param pairs the argument pairs
     * @param <A> the first argument type
     * @param <B> the second argument type
     * @param <R> the result type
     * @return a future of the results, in order
     */
    <A, B, R> CompletableFuture<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> function,
            Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs);

    /**
     * Submits a value-returning task that can be copied to a worker.
     *
     * @param task the task
     * @param <T> the result type
     * @return a future completed on a pool thread
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NotSerializableTaskException if the task cannot be copied to a worker
     */
    <T> CompletableFuture<T> submit(SerializableCallable<T> task);

    /**
     * Submits a task that can be copied to a worker.
     *
     * @param task the task
     * @return a future completed with {@code null} on a pool thread
     * @throws RejectedExecutionException if the pool is shut down
     */
    CompletableFuture<?> submit(SerializableRunnable task);

    /**
     * {@inheritDoc}
     *
     * <p>On the processes backend the task must be serializable (a {@link SerializableCallable} or
     * a {@link java.io.Serializable} class); a plain lambda typed {@code Callable} is rejected with
     * an {@link IllegalArgumentException} that says what to pass instead.
     */
    @Override
    <T> CompletableFuture<T> submit(Callable<T> task);

    /**
     * {@inheritDoc}
     *
     * <p>On the processes backend the task must be serializable, as for {@link #submit(Callable)}.
     */
    @Override
    CompletableFuture<?> submit(Runnable task);

    /**
     * {@inheritDoc}
     *
     * <p>On the processes backend the task must be serializable, as for {@link #submit(Callable)}.
     */
    @Override
    <T> CompletableFuture<T> submit(Runnable task, T result);

    /**
     * Runs a task that can be copied to a worker, without a future; a failure is logged.
     *
     * @param task the task
     * @throws RejectedExecutionException if the pool is shut down
     */
    void execute(SerializableRunnable task);
}
