package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.Backend;
import io.github.multiprocessing4j.PoolOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.ProgressListener;
import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableCallable;
import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.TaskTimeoutException;
import io.github.multiprocessing4j.internal.util.Spin;
import io.github.multiprocessing4j.internal.util.Threads;
import io.github.multiprocessing4j.spi.Codec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The one {@link ProcessPool} implementation; the backend only changes what a worker is.
 *
 * <h2>State machine</h2>
 * {@code RUNNING -> SHUTDOWN -> TERMINATED}, or through {@code STOP} after {@code shutdownNow}.
 * RUNNING accepts calls. SHUTDOWN rejects new calls and runs what is queued; once nothing is queued
 * or in flight, workers are retired. STOP drops queued work and kills the workers. TERMINATED:
 * every worker has ended and released its resources.
 *
 * <h2>Scheduling</h2>
 * Calls wait in FIFO order; a worker takes units from the oldest call with work (retries of units
 * whose worker died come first). A process worker keeps several units in flight, as many items as
 * take about {@link #TARGET_IN_FLIGHT_NANOS} by the measured average, so quick items stream
 * without a round trip each while slow ones stay free to go to whichever worker is idle.
 *
 * <h2>Failures</h2>
 * When a worker ends, {@link #workerGone} resolves its units: the item that was running fails
 * (crash, timeout or cancellation), every other item is queued again at the front. Every item is
 * therefore resolved exactly once. Three workers in a row that end before becoming ready (a JVM
 * that cannot start, an initializer that throws) break the pool: queued calls fail, new ones are
 * rejected.
 *
 * <p>All scheduling state is guarded by {@link #lock}; results are delivered outside it.
 */
public final class WorkerPool implements ProcessPool {

    /** How much work, by the average item time, a process worker may have in flight. */
    static final long TARGET_IN_FLIGHT_NANOS = 10_000_000;
    /** The most items in flight on one worker. */
    static final long MAX_IN_FLIGHT_ITEMS = 262_144;
    /** Workers that end before being ready, in a row, that break the pool. */
    static final int MAX_START_FAILURES = 3;
    /** How often deadlines are checked. */
    static final long SUPERVISOR_PERIOD_MILLIS = 10;
    /** The most bytes of arguments handed to a worker in one batch (at least one unit). */
    static final int MAX_BATCH_BYTES = 512 * 1024;

    /** The largest call (argument and function) a caller hands to an idle worker itself. */
    static final int DIRECT_MAX_BYTES = 64 * 1024;

    /** How long a caller waiting for one result spins before it parks. */
    static final long AWAIT_SPIN_NANOS = 50_000;

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int TERMINATED = 3;

    private static final System.Logger LOG = System.getLogger("io.github.multiprocessing4j.pool");

    /** Creates the workers of one backend. */
    @FunctionalInterface
    interface WorkerFactory {
        PoolWorker create(WorkerPool pool, String name);
    }

    /** Launches a pool worker JVM by name. */
    @FunctionalInterface
    public interface JvmLauncher {
        /**
         * Launches the JVM.
         *
         * @param name the worker name
         * @return the launched worker
         */
        io.github.multiprocessing4j.internal.launch.WorkerJvm launch(String name);
    }

    /**
     * The results of one unit as they arrived: {@code values} is an {@code Object[]}, or a packed block's primitive array
     * ({@link Wire.Reader#readBlockPacked}) when every item succeeded.
     */
    record Result(long unitId, Object values, Throwable[] errors) {
    }

    final ReentrantLock lock = new ReentrantLock();
    private final Condition terminatedCondition = lock.newCondition();
    private final Backend backend;
    private final PoolOptions options;
    private final Codec codec;
    private final FunctionTable functions;
    private final WorkerFactory factory;
    private final long poolTimeoutNanos;
    private final ClassLoader loader;
    private final Runnable onTerminated;
    private final ArrayDeque<Unit> retries = new ArrayDeque<>();
    private final ArrayDeque<Call> calls = new ArrayDeque<>();
    private final List<PoolWorker> workers = new ArrayList<>();
    private final List<PoolWorker> toStart = new ArrayList<>();
    private int state = RUNNING;
    private int workerSeq;
    private int startFailures;
    private Throwable broken;
    private double averageItemNanos = -1;
    private long nextUnitId = 1;
    private ScheduledFuture<?> supervisor;
    /** Failures being delivered by {@link #workerGone} outside the lock; termination waits for them. */
    private int pendingDeliveries;

    private WorkerPool(Backend backend, PoolOptions options, Codec codec, WorkerFactory factory,
            Runnable onTerminated) {
        this.backend = backend;
        this.options = options;
        this.codec = codec;
        this.functions = codec == null ? null : new FunctionTable(codec);
        this.factory = factory;
        this.poolTimeoutNanos = options.taskTimeout().map(Duration::toNanos).orElse(0L);
        this.loader = Thread.currentThread().getContextClassLoader();
        this.onTerminated = onTerminated;
    }

    /**
     * A pool whose workers are JVMs.
     *
     * @param options the pool options
     * @param codec the codec that copies tasks and results
     * @param launcher launches a worker JVM by name
     * @param onTerminated run once the pool has terminated
     * @return the pool, with its workers starting
     */
    public static WorkerPool onProcesses(PoolOptions options, Codec codec, JvmLauncher launcher,
            Runnable onTerminated) {
        Objects.requireNonNull(codec, "codec");
        byte[] initializer = options.initializer()
                .map(task -> io.github.multiprocessing4j.internal.codec.TaskEncoding.encode(codec, task, "initializer"))
                .orElse(null);
        WorkerPool pool = new WorkerPool(Backend.PROCESSES, options, codec,
                (p, name) -> new ProcessPoolWorker(p, name, launcher, codec, initializer), onTerminated);
        pool.startWorkers();
        return pool;
    }

    /**
     * A pool whose workers are threads.
     *
     * @param backend {@link Backend#THREADS} or {@link Backend#VIRTUAL_THREADS}
     * @param options the pool options
     * @param threads creates an unstarted thread from a name and a body
     * @param onTerminated run once the pool has terminated
     * @return the pool, with its workers started
     */
    public static WorkerPool onThreads(Backend backend, PoolOptions options, BiFunction<String, Runnable, Thread> threads,
            Runnable onTerminated) {
        WorkerPool pool = new WorkerPool(backend, options, null,
                (p, name) -> new ThreadPoolWorker(p, name, threads, options.initializer().orElse(null)), onTerminated);
        pool.startWorkers();
        return pool;
    }

    private void startWorkers() {
        lock.lock();
        try {
            ensureWorkers();
        } finally {
            lock.unlock();
        }
        startPending();
    }

    // ------------------------------------------------------------------ public API

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public int workers() {
        return options.workers();
    }

    @Override
    public <T, R> R apply(SerializableFunction<? super T, ? extends R> function, T argument)
            throws InterruptedException, ExecutionException {
        return await(applyAsync(function, argument));
    }

    @Override
    public <T, R> R apply(SerializableFunction<? super T, ? extends R> function, T argument, Duration timeout)
            throws InterruptedException, ExecutionException {
        return await(applyAsync(function, argument, timeout));
    }

    @Override
    public <T, R> CompletableFuture<R> applyAsync(SerializableFunction<? super T, ? extends R> function, T argument) {
        return single(Objects.requireNonNull(function, "function"), Wire.KIND_FUNCTION, argument, 0);
    }

    @Override
    public <T, R> CompletableFuture<R> applyAsync(SerializableFunction<? super T, ? extends R> function, T argument,
            Duration timeout) {
        return single(Objects.requireNonNull(function, "function"), Wire.KIND_FUNCTION, argument, timeoutNanos(timeout));
    }

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items)
            throws InterruptedException, ExecutionException {
        return await(mapAsync(function, items, 0, null));
    }

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items,
            int chunkSize) throws InterruptedException, ExecutionException {
        requireChunkSize(chunkSize, false);
        return await(mapAsync(function, items, chunkSize, null));
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items) {
        return mapAsync(function, items, 0, null);
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items, int chunkSize, ProgressListener progress) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(items, "items");
        requireChunkSize(chunkSize, true);
        return bulk(function, Wire.KIND_FUNCTION, prepareAll(items), chunkSize, progress);
    }

    @Override
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> function,
            Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs)
            throws InterruptedException, ExecutionException {
        return await(starmapAsync(function, pairs));
    }

    @Override
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(
            SerializableBiFunction<? super A, ? super B, ? extends R> function,
            Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(pairs, "pairs");
        List<Object> prepared = new ArrayList<>();
        int index = 0;
        for (Map.Entry<? extends A, ? extends B> pair : pairs) {
            Objects.requireNonNull(pair, () -> "pairs: a null entry at index " + prepared.size());
            prepared.add(prepare(new Wire.Pair(pair.getKey(), pair.getValue()), "pair", index++));
        }
        return bulk(function, Wire.KIND_BIFUNCTION, prepared.toArray(), 0, null);
    }

    /**
     * The items of a {@code map}, prepared, in one array sized up front when the items are a
     * collection (whose size is only a hint: a concurrent collection may change while it is read).
     */
    private Object[] prepareAll(Iterable<?> items) {
        Object[] prepared = new Object[items instanceof Collection<?> collection ? collection.size() : 16];
        int index = 0;
        for (Object item : items) {
            if (index == prepared.length) {
                if (index == Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("items: more than " + index + " items (a map holds them in one array)");
                }
                prepared = Arrays.copyOf(prepared, (int) Math.min(Integer.MAX_VALUE - 8, index + Math.max(16L, index >> 1)));
            }
            prepared[index] = prepare(item, "item", index);
            index++;
        }
        return index == prepared.length ? prepared : Arrays.copyOf(prepared, index);
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<List<R>> bulk(Object function, byte kind, Object[] prepared, int chunkSize,
            ProgressListener progress) {
        MapCall call = chunkSize > 0
                ? new MapCall(this, function, kind, prepared, chunkSize, 0, progress, 0)
                : new MapCall(this, function, kind, prepared, defaultChunkSize(prepared.length), options.workers() * 4,
                        progress, 0);
        if (prepared.length > 0) {
            enqueue(call);
        }
        return (CompletableFuture<List<R>>) (CompletableFuture<?>) call.future;
    }

    /**
     * Python's default chunk size, the items over four times the workers, rounded up: the largest
     * chunk of a map without a chunk size, whose chunks then shrink towards the end.
     */
    private int defaultChunkSize(int items) {
        int perRound = options.workers() * 4;
        return Math.max(1, items / perRound + (items % perRound == 0 ? 0 : 1));
    }

    @Override
    public <T, R> Stream<R> imap(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items) {
        return lazy(function, items, 1, true);
    }

    @Override
    public <T, R> Stream<R> imap(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> items,
            int chunkSize) {
        requireChunkSize(chunkSize, false);
        return lazy(function, items, chunkSize, true);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items) {
        return lazy(function, items, 1, false);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(SerializableFunction<? super T, ? extends R> function,
            Iterable<? extends T> items, int chunkSize) {
        requireChunkSize(chunkSize, false);
        return lazy(function, items, chunkSize, false);
    }

    /**
     * How many items a lazy call may read ahead of the results taken.
     *
     * @param workers the pool size
     * @param chunkSize the items per task
     * @return the bound
     */
    public static long readAhead(int workers, int chunkSize) {
        return Math.min(1L << 20, (long) Math.max(64, 4 * workers) * chunkSize);
    }

    @SuppressWarnings("unchecked")
    private <R> Stream<R> lazy(Object function, Iterable<?> items, int chunkSize, boolean ordered) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(items, "items");
        ImapCall call = new ImapCall(this, function, items.iterator(), ordered, chunkSize,
                readAhead(options.workers(), chunkSize), 0);
        enqueue(call);
        Iterator<R> results = (Iterator<R>) (Iterator<?>) call;
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, ordered ? Spliterator.ORDERED : 0),
                false).onClose(call::close);
    }

    @Override
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return single(Objects.requireNonNull(task, "task"), Wire.KIND_CALLABLE, null, 0);
    }

    @Override
    public CompletableFuture<?> submit(SerializableRunnable task) {
        return single(Objects.requireNonNull(task, "task"), Wire.KIND_RUNNABLE, null, 0);
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        requireCopyable(task, "Callable", "SerializableCallable");
        return single(task, Wire.KIND_CALLABLE, null, 0);
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        requireCopyable(task, "Runnable", "SerializableRunnable");
        return single(task, Wire.KIND_RUNNABLE, null, 0);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        requireCopyable(task, "Runnable", "SerializableRunnable");
        SingleCall call = new SingleCall(this, task, Wire.KIND_RUNNABLE, null, 0).withResult(result);
        enqueue(call);
        return (CompletableFuture<T>) call.future;
    }

    @Override
    public void execute(SerializableRunnable task) {
        logFailure(submit(task));
    }

    @Override
    public void execute(Runnable command) {
        logFailure(submit(command));
    }

    private void logFailure(CompletableFuture<?> future) {
        future.whenComplete((ignored, failure) -> {
            if (failure != null && !(failure instanceof CancellationException)) {
                log("a task passed to execute() failed", failure);
            }
        });
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<CompletableFuture<T>> futures = submitAll(tasks);
        try {
            for (CompletableFuture<T> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException | CancellationException e) {
                    // reported through the future
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return List.copyOf(futures);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<CompletableFuture<T>> futures = submitAll(tasks);
        try {
            for (CompletableFuture<T> future : futures) {
                long left = deadline - System.nanoTime();
                try {
                    future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException e) {
                    // reported through the future
                } catch (TimeoutException e) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        futures.forEach(f -> f.cancel(true)); // no-op for the finished ones
        return List.copyOf(futures);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("cannot time out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks: an empty collection (expected: at least one task)");
        }
        List<CompletableFuture<T>> futures = submitAll(tasks);
        CompletableFuture<T> first = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (CompletableFuture<T> future : futures) {
            future.whenComplete((value, failure) -> {
                if (failure == null) {
                    first.complete(value);
                } else if (failures.incrementAndGet() == futures.size()) {
                    first.completeExceptionally(failure);
                }
            });
        }
        try {
            return unit.toNanos(timeout) == Long.MAX_VALUE ? first.get() : first.get(timeout, unit);
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    /** Checks and encodes every task before submitting any, so a bad one submits nothing. */
    private <T> List<CompletableFuture<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<SingleCall> prepared = new ArrayList<>(tasks.size());
        int index = 0;
        for (Callable<T> task : tasks) {
            Objects.requireNonNull(task, "tasks: null at index " + index);
            requireCopyable(task, "Callable", "SerializableCallable");
            prepared.add(new SingleCall(this, task, Wire.KIND_CALLABLE, null, 0));
            index++;
        }
        List<CompletableFuture<T>> futures = new ArrayList<>(prepared.size());
        enqueueAll(prepared);
        for (SingleCall call : prepared) {
            @SuppressWarnings("unchecked")
            CompletableFuture<T> future = (CompletableFuture<T>) call.future;
            futures.add(future);
        }
        return futures;
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> single(Object task, byte kind, Object argument, long timeoutNanos) {
        SingleCall call = new SingleCall(this, task, kind, argument, timeoutNanos);
        enqueue(call);
        return (CompletableFuture<R>) call.future;
    }

    private static <R> R await(CompletableFuture<R> future) throws InterruptedException, ExecutionException {
        // a short spin first: a quick task's result is often back within tens of microseconds,
        // and a parked caller costs a thread wake-up on top of the round trip
        Spin.until(future::isDone, AWAIT_SPIN_NANOS);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private void requireCopyable(Object task, String plainType, String serializableType) {
        Objects.requireNonNull(task, "task");
        if (backend == Backend.PROCESSES && !(task instanceof Serializable)) {
            throw new IllegalArgumentException("task: a plain " + plainType + " (" + task.getClass().getName()
                    + ") cannot be copied to a worker JVM (expected: a " + serializableType
                    + "; pass the lambda straight to submit(...) or cast it, as in pool.submit((" + serializableType
                    + (plainType.equals("Callable") ? "<T>" : "") + ") () -> ...), or use a Serializable class)");
        }
    }

    private static void requireChunkSize(int chunkSize, boolean zeroAllowed) {
        if (chunkSize < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException("chunkSize: " + chunkSize
                    + (zeroAllowed ? " (expected: 0 for the default, or more)" : " (expected: at least 1)"));
        }
    }

    private static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: a positive duration)");
        }
        return timeout.toNanos();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (state == RUNNING) {
                state = SHUTDOWN;
            }
            tryTerminate();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Call> queued = new ArrayList<>();
        List<Unit> retried;
        lock.lock();
        try {
            if (state < STOP) {
                state = STOP;
            }
            queued.addAll(calls);
            calls.clear();
            retried = new ArrayList<>(retries);
            retries.clear();
            for (PoolWorker worker : List.copyOf(workers)) {
                if (!worker.gone) {
                    worker.kill(new CancellationException("the pool was shut down now while the task ran"));
                }
            }
            tryTerminate();
        } finally {
            lock.unlock();
        }
        CancellationException reason = new CancellationException("the pool was shut down now before the task ran");
        List<Runnable> unstarted = new ArrayList<>();
        for (Call call : queued) {
            unstarted.addAll(call.unstarted(reason));
        }
        for (Unit unit : retried) {
            unit.call.abort(reason);
        }
        return unstarted;
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return state >= SHUTDOWN;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return state == TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (state != TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminatedCondition.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Moves towards TERMINATED as far as the state allows. Lock held. */
    private void tryTerminate() {
        if (state == RUNNING || state == TERMINATED) {
            return;
        }
        if (state == SHUTDOWN && (hasWork() || anyInFlight())) {
            return;
        }
        for (PoolWorker worker : workers) {
            if (!worker.retiring) {
                worker.retire();
            }
        }
        if (workers.isEmpty() && toStart.isEmpty() && pendingDeliveries == 0) {
            state = TERMINATED;
            terminatedCondition.signalAll();
            if (supervisor != null) {
                supervisor.cancel(false);
            }
            if (onTerminated != null) {
                Threads.events().execute(onTerminated);
            }
        }
    }

    private boolean anyInFlight() {
        for (PoolWorker worker : workers) {
            if (!worker.inFlight.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ scheduling

    private void enqueue(Call call) {
        enqueueAll(List.of(call));
    }

    private void enqueueAll(List<? extends Call> added) {
        PoolWorker direct = null;
        List<Unit> batch = List.of();
        lock.lock();
        try {
            if (state != RUNNING) {
                throw new RejectedExecutionException("pool '" + options.name() + "' is shut down");
            }
            if (broken != null) {
                throw new RejectedExecutionException("pool '" + options.name() + "' is broken: " + broken.getMessage(),
                        broken);
            }
            for (Call call : added) {
                calls.add(call);
                if ((call.timeoutNanos > 0 || poolTimeoutNanos > 0) && supervisor == null) {
                    startSupervisor();
                }
            }
            ensureWorkers();
            direct = added.size() == 1 ? idleWorkerFor(added.get(0)) : null;
            if (direct != null) {
                batch = takeUnits(direct);
                if (batch.isEmpty()) {
                    direct = null;
                } else {
                    direct.beginDirect();
                }
            }
            if (direct == null || hasWork()) {
                signalWorkersLocked();
            }
        } finally {
            lock.unlock();
        }
        if (direct != null) {
            direct.sendDirect(batch);
        }
        startPending();
    }

    /**
     * A worker to which the caller may hand {@code call} itself: a small single call, a worker
     * that is idle, and nothing queued before it. This skips the wake-up of a dispatcher thread,
     * one of the four thread hand-offs of a round trip. Lock held.
     */
    private PoolWorker idleWorkerFor(Call call) {
        if (!(call instanceof SingleCall single) || !retries.isEmpty() || calls.peekFirst() != call
                || call.nextSize() != 1 || single.encodedBytes() > DIRECT_MAX_BYTES) {
            return null;
        }
        for (PoolWorker worker : workers) {
            if (worker.canTakeDirectly()) {
                return worker;
            }
        }
        return null;
    }

    /** Wakes workers because work may have become available. */
    void signalWork() {
        lock.lock();
        try {
            signalWorkersLocked();
        } finally {
            lock.unlock();
        }
    }

    private void signalWorkersLocked() {
        for (PoolWorker worker : workers) {
            worker.wake.signal();
        }
    }

    private boolean hasWork() {
        if (!retries.isEmpty()) {
            return true;
        }
        for (Call call : calls) {
            if (!call.isDone() && !call.drained()) {
                return true;
            }
        }
        return false;
    }

    /** Adds workers up to the pool size while there is reason to. Lock held. */
    private void ensureWorkers() {
        if (broken != null || state >= STOP || (state == SHUTDOWN && !hasWork())) {
            return;
        }
        int active = toStart.size();
        for (PoolWorker worker : workers) {
            if (!worker.retiring) {
                active++;
            }
        }
        while (active < options.workers()) {
            PoolWorker worker = factory.create(this, options.name() + "-worker-" + (++workerSeq));
            toStart.add(worker);
            active++;
        }
    }

    /** Starts the workers {@link #ensureWorkers} created; called without the lock. */
    void startPending() {
        List<PoolWorker> starting;
        lock.lock();
        try {
            if (toStart.isEmpty()) {
                return;
            }
            starting = List.copyOf(toStart);
            toStart.clear();
            workers.addAll(starting);
        } finally {
            lock.unlock();
        }
        for (PoolWorker worker : starting) {
            worker.start();
        }
    }

    /**
     * Hands {@code worker} the next units that fit its capacity, oldest call first. Lock held.
     *
     * @return the units, already recorded as in flight on the worker; empty if none
     */
    List<Unit> takeUnits(PoolWorker worker) {
        if (worker.gone || worker.retiring || state >= STOP) {
            return List.of();
        }
        long room = worker.capacity() - worker.inFlightItems;
        long quota = options.maxTasksPerWorker();
        if (quota > 0) {
            room = Math.min(room, quota - worker.sentItems);
        }
        List<Unit> batch = new ArrayList<>();
        long bytes = 0;
        while (true) {
            boolean force = worker.inFlightItems == 0 && batch.isEmpty() && (quota == 0 || worker.sentItems < quota);
            Unit unit = nextUnit(room, force);
            if (unit == null) {
                break;
            }
            unit.id = nextUnitId++;
            unit.firstItem = worker.sentItems;
            worker.sentItems += unit.count;
            worker.inFlightItems += unit.count;
            worker.inFlight.add(unit);
            batch.add(unit);
            room -= unit.count;
            bytes += unit.bytes;
            if (bytes >= MAX_BATCH_BYTES) {
                break;
            }
        }
        if (quota > 0 && worker.sentItems >= quota && !worker.retiring) {
            worker.retire(); // it ends once its units are back; a fresh worker takes its place
            ensureWorkers();
        }
        return batch;
    }

    private Unit nextUnit(long room, boolean force) {
        while (!retries.isEmpty()) {
            Unit unit = retries.peekFirst();
            if (unit.call.isDone()) {
                retries.pollFirst();
                continue;
            }
            return force || unit.count <= room ? retries.pollFirst() : null;
        }
        Iterator<Call> it = calls.iterator();
        while (it.hasNext()) {
            Call call = it.next();
            if (call.isDone() || call.drained()) {
                it.remove();
                continue;
            }
            int size = call.nextSize();
            if (size == 0) {
                continue; // nothing now (a lazy call at its read-ahead bound)
            }
            if (!force && size > room) {
                return null;
            }
            Unit unit = call.take();
            if (call.drained()) {
                it.remove();
            }
            if (unit != null) {
                return unit;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ worker events

    /** A worker finished its set-up. */
    void workerReady(PoolWorker worker) {
        lock.lock();
        try {
            worker.ready = true;
            startFailures = 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Results of the oldest units in flight on {@code worker} arrived.
     *
     * @param busyNanos the time the worker spent running their items, or -1 if unknown
     */
    void resultsArrived(PoolWorker worker, List<Result> results, long busyNanos) {
        List<Unit> units = new ArrayList<>(results.size());
        lock.lock();
        try {
            if (worker.gone || worker.stopReason != null) {
                return; // given up on: its units were or will be resolved by workerGone
            }
            long items = 0;
            for (Result result : results) {
                Unit unit = worker.inFlight.peekFirst();
                if (unit == null || unit.id != result.unitId()) {
                    log("worker " + worker.name + " answered unit " + result.unitId() + " but unit "
                            + (unit == null ? "none" : unit.id) + " was next; stopping the worker", null);
                    worker.kill(new IllegalStateException("pool protocol error on worker " + worker.name));
                    break; // the units before it still complete; it and those after go to workerGone
                }
                int values = result.values() instanceof Object[] objects ? objects.length
                        : java.lang.reflect.Array.getLength(result.values());
                if (values != unit.count || (result.errors() != null && result.errors().length != unit.count)) {
                    log("worker " + worker.name + " answered " + values + " results for unit " + unit.id + " of "
                            + unit.count + " items; stopping the worker", null);
                    worker.kill(new IllegalStateException("pool protocol error on worker " + worker.name));
                    break;
                }
                worker.inFlight.pollFirst();
                worker.inFlightItems -= unit.count;
                worker.resolvedItems += unit.count;
                items += unit.count;
                units.add(unit);
            }
            if (busyNanos >= 0 && items > 0) {
                double perItem = (double) busyNanos / items;
                averageItemNanos = averageItemNanos < 0 ? perItem : 0.7 * averageItemNanos + 0.3 * perItem;
            }
            if (worker.retiring || hasWork()) {
                worker.wake.signal(); // room for more, or the last result of a retiring worker
            }
            if (state == SHUTDOWN) {
                tryTerminate();
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < units.size(); i++) {
            Unit unit = units.get(i);
            if (unit.claim()) {
                Result result = results.get(i);
                if (result.values() instanceof Object[] values) {
                    unit.call.complete(unit, values, result.errors());
                } else {
                    unit.call.completePacked(unit, result.values());
                }
            }
        }
    }

    /** The measured average time of an item, -1 before the first results. Lock held. */
    double averageItemNanos() {
        return averageItemNanos;
    }

    /**
     * A worker ended (or was given up on): the running item fails, its other units go back to the
     * front of the queue, and a replacement starts if there is reason to.
     */
    void workerGone(PoolWorker worker) {
        List<Unit> failed = new ArrayList<>();
        List<Integer> failedIndex = new ArrayList<>();
        List<Unit> aborted = new ArrayList<>();
        Throwable runningFailure;
        Throwable abortReason = null;
        lock.lock();
        try {
            if (worker.gone) {
                return;
            }
            worker.gone = true;
            workers.remove(worker);
            worker.wake.signalAll();
            runningFailure = worker.stopReason != null ? worker.stopReason : worker.crashCause();
            if (!worker.ready && worker.stopReason == null && !worker.retiring && state < STOP) {
                if (++startFailures >= MAX_START_FAILURES && broken == null) {
                    broken = new IllegalStateException(MAX_START_FAILURES + " workers in a row of pool '" + options.name()
                            + "' ended before they were ready; last: " + runningFailure, runningFailure);
                }
            }
            long running = worker.runningItem();
            List<Unit> again = new ArrayList<>();
            for (Unit unit : worker.inFlight) {
                if (!unit.claim()) {
                    continue;
                }
                int start = 0;
                for (int i = 0; i < unit.count; i++) {
                    if (unit.firstItem + i == running) {
                        if (i > start) {
                            again.add(unit.slice(start, i));
                        }
                        failed.add(unit);
                        failedIndex.add(i);
                        start = i + 1;
                    }
                }
                if (start < unit.count) {
                    again.add(unit.slice(start, unit.count));
                }
            }
            worker.inFlight.clear();
            worker.inFlightItems = 0;
            if (state >= STOP || broken != null) {
                abortReason = broken != null ? broken : new CancellationException("the pool was shut down now");
                aborted.addAll(again);
                if (broken != null) {
                    aborted.addAll(retries);
                    retries.clear();
                    for (Call call : calls) {
                        aborted.add(new Unit(call, new Object[0], 0, 0, 0));
                    }
                    calls.clear();
                }
            } else {
                for (int i = again.size() - 1; i >= 0; i--) {
                    retries.addFirst(again.get(i));
                }
            }
            ensureWorkers();
            signalWorkersLocked();
            pendingDeliveries++;
        } finally {
            lock.unlock();
        }
        try {
            startPending();
            for (int i = 0; i < failed.size(); i++) {
                failed.get(i).call.fail(failed.get(i), failedIndex.get(i), runningFailure);
            }
            for (Unit unit : aborted) {
                unit.call.abort(abortReason);
            }
        } finally {
            lock.lock();
            try {
                pendingDeliveries--;
                tryTerminate();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The user stopped a call: with {@code interrupt}, stop the workers running its items. */
    void cancelled(Call call, boolean interrupt) {
        lock.lock();
        try {
            if (interrupt) {
                for (PoolWorker worker : List.copyOf(workers)) {
                    long running = worker.runningItem();
                    Unit unit = running < 0 ? null : worker.unitOf(running);
                    if (unit != null && unit.call == call && !worker.gone && worker.stopReason == null) {
                        worker.kill(new CancellationException("task cancelled while running on " + worker.name));
                    }
                }
            }
            if (state == SHUTDOWN) {
                tryTerminate();
            }
        } finally {
            lock.unlock();
        }
    }

    private void startSupervisor() {
        supervisor = Threads.scheduler().scheduleWithFixedDelay(this::checkDeadlines, SUPERVISOR_PERIOD_MILLIS,
                SUPERVISOR_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Kills workers whose running item is past its deadline. */
    private void checkDeadlines() {
        lock.lock();
        try {
            long now = System.nanoTime();
            for (PoolWorker worker : List.copyOf(workers)) {
                if (worker.gone || worker.stopReason != null) {
                    continue;
                }
                long started = worker.started();
                if (started <= worker.finished()) {
                    worker.seenStarted = -1;
                    continue;
                }
                if (started != worker.seenStarted) {
                    worker.seenStarted = started;
                    worker.seenAtNanos = now;
                    continue;
                }
                Unit unit = worker.unitOf(started - 1);
                long timeout = unit == null ? 0 : unit.call.timeoutNanos > 0 ? unit.call.timeoutNanos : poolTimeoutNanos;
                if (timeout > 0 && now - worker.seenAtNanos > timeout) {
                    worker.kill(new TaskTimeoutException(worker.name, Duration.ofNanos(timeout)));
                }
            }
        } catch (RuntimeException e) {
            log("deadline check failed", e);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers for calls and workers

    /** Prepares an argument for the backend (encodes it for worker JVMs). */
    Object prepare(Object argument, String rootName) {
        return codec == null ? argument : Wire.prepare(codec, argument, rootName);
    }

    /**
     * Prepares item {@code index} of a bulk call; its name for error messages ({@code "item 7"})
     * is built only when the item has to be encoded.
     */
    Object prepare(Object item, String what, long index) {
        return codec == null || Wire.plain(item) ? item : Wire.prepare(codec, item, what + " " + index);
    }

    /** The function's reference for worker JVMs, {@code null} on thread backends. */
    FunctionTable.Ref functionRef(Object function) {
        return functions == null ? null : functions.refFor(function);
    }

    /** Runs async stages of the pool's futures. */
    Executor asyncExecutor() {
        return Threads.events();
    }

    /** The class loader that decodes results: the one of the thread that created the pool. */
    ClassLoader loader() {
        return loader;
    }

    void log(String message, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, "pool '" + options.name() + "': " + message, error);
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            String[] names = {"RUNNING", "SHUTDOWN", "STOP", "TERMINATED"};
            return "ProcessPool[" + options.name() + ", " + backend + ", " + names[state] + ", workers=" + workers.size()
                    + "]";
        } finally {
            lock.unlock();
        }
    }
}
