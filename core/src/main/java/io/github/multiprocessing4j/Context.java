package io.github.multiprocessing4j;

import java.util.List;

/**
 * The entry point to everything this library creates, Python's {@code multiprocessing} context:
 * workers and, through the other factories, pools, queues, pipes, locks and shared values.
 *
 * <p>Obtain one from {@link Multiprocessing#processes()}, {@link Multiprocessing#threads()} or
 * {@link Multiprocessing#virtualThreads()}. Code written against this interface runs unchanged on
 * every {@link Backend}; where backends differ (threads share objects, processes copy them) the
 * factory's javadoc says so.
 *
 * <p>A context is {@link AutoCloseable}: {@link #close()} terminates its daemon workers, waits for
 * its other workers to finish, and frees every shared-memory file and socket it created. Contexts
 * are thread-safe.
 */
public interface Context extends AutoCloseable {

    /**
     * Where this context runs its work.
     *
     * @return the backend
     */
    Backend backend();

    /**
     * Creates an unstarted worker that will run {@code target}: in a new worker JVM on the processes
     * backend, on a new thread on the others. Configure it with {@link WorkerProcess#name(String)}
     * and {@link WorkerProcess#daemon(boolean)}, then {@link WorkerProcess#start()} it.
     *
     * @param target what the worker runs; on the processes backend it is serialized at
     *     {@code start()}
     * @return the unstarted worker
     * @throws IllegalStateException if the context is closed
     */
    WorkerProcess process(SerializableRunnable target);

    /**
     * Creates a pool of {@code workers} workers with the other {@link PoolOptions} at their defaults.
     * Python's {@code Pool(processes=workers)}.
     *
     * @param workers the number of workers, at least 1
     * @return the pool; its workers are starting
     * @throws IllegalArgumentException if {@code workers} is less than 1
     * @throws IllegalStateException if the context is closed
     */
    ProcessPool pool(int workers);

    /**
     * Creates a pool: worker JVMs on the processes backend (started with this context's
     * {@link ProcessOptions}), threads of this backend's kind on the others. Closing the context
     * shuts the pool down now.
     *
     * @param options the pool options
     * @return the pool; its workers are starting
     * @throws IllegalStateException if the context is closed
     * @throws NotSerializableTaskException if the initializer cannot be copied to a worker
     */
    ProcessPool pool(PoolOptions options);

    /**
     * A new unbounded queue between processes: Python's {@code Queue()} and {@code SimpleQueue()}.
     * Closed, and its shared memory removed, when this context closes.
     *
     * @param <E> the element type
     * @return the queue
     * @throws IllegalStateException if this context is closed
     */
    <E> SharedQueue<E> queue();

    /**
     * A new queue that holds at most {@code capacity} elements: Python's {@code Queue(maxsize)}.
     *
     * @param <E> the element type
     * @param capacity the bound, at least 1
     * @return the queue
     * @throws IllegalArgumentException if {@code capacity} is below 1
     * @throws IllegalStateException if this context is closed
     */
    <E> SharedQueue<E> queue(int capacity);

    /**
     * A new queue bounded by elements and by bytes: it holds at most {@code capacity} elements
     * and keeps at most {@code maxBytes} of encoded elements in shared memory (rounded up to a
     * power of two; the default is 1 MiB). An element larger than a quarter of that is not
     * refused: it streams through in pieces as consumers make room, and its put blocks until
     * then.
     *
     * @param <E> the element type
     * @param capacity the most elements held, at least 1 ({@link Integer#MAX_VALUE}: no bound)
     * @param maxBytes the most bytes held, at least 4096, at most 1 GiB
     * @return the queue
     * @throws IllegalArgumentException if a bound is out of range
     * @throws IllegalStateException if the context is closed
     */
    <E> SharedQueue<E> queue(int capacity, int maxBytes);

    /**
     * A new unbounded joinable queue: Python's {@code JoinableQueue()}.
     *
     * @param <E> the element type
     * @return the queue
     * @throws IllegalStateException if this context is closed
     */
    <E> JoinableQueue<E> joinableQueue();

    /**
     * A new joinable queue that holds at most {@code capacity} elements.
     *
     * @param <E> the element type
     * @param capacity the bound, at least 1
     * @return the queue
     * @throws IllegalArgumentException if {@code capacity} is below 1
     * @throws IllegalStateException if this context is closed
     */
    <E> JoinableQueue<E> joinableQueue(int capacity);

    /**
     * A new duplex pipe: Python's {@code Pipe()}.
     *
     * @param <T> the message type
     * @return the two ends
     * @throws IllegalStateException if this context is closed
     */
    <T> Pipe<T> pipe();

    /**
     * A new pipe, duplex or one-way: Python's {@code Pipe(duplex)}. One-way: the first end
     * receives, the second sends.
     *
     * @param <T> the message type
     * @param duplex whether both ends send and receive
     * @return the two ends
     * @throws IllegalStateException if this context is closed
     */
    <T> Pipe<T> pipe(boolean duplex);

    /**
     * A new lock shared between processes: Python's {@code Lock()}. Not reentrant.
     *
     * @return the lock, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedLock lock();

    /**
     * A new reentrant lock shared between processes: Python's {@code RLock()}.
     *
     * @return the lock, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedLock reentrantLock();

    /**
     * A new semaphore: Python's {@code Semaphore(permits)}.
     *
     * @param permits the initial permits, at least 0
     * @return the semaphore, removed when this context closes
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedSemaphore semaphore(int permits);

    /**
     * A new semaphore that rejects releases beyond its initial permits: Python's
     * {@code BoundedSemaphore(permits)}.
     *
     * @param permits the initial (and most) permits, at least 0
     * @return the semaphore, removed when this context closes
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedSemaphore boundedSemaphore(int permits);

    /**
     * A new event, initially clear: Python's {@code Event()}.
     *
     * @return the event, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedEvent event();

    /**
     * A new barrier: Python's {@code Barrier(parties)}.
     *
     * @param parties how many must arrive for it to open, at least 1
     * @return the barrier, removed when this context closes
     * @throws IllegalArgumentException if {@code parties} is less than 1
     * @throws IllegalStateException if the context is closed
     */
    SharedBarrier barrier(int parties);

    /**
     * A new shared long: Python's {@code Value('q', initial)}.
     *
     * @param initial its value
     * @return the value, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedLong sharedLong(long initial);

    /**
     * A new shared int: Python's {@code Value('i', initial)}.
     *
     * @param initial its value
     * @return the value, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedInt sharedInt(int initial);

    /**
     * A new shared double: Python's {@code Value('d', initial)}.
     *
     * @param initial its value
     * @return the value, removed when this context closes
     * @throws IllegalStateException if the context is closed
     */
    SharedDouble sharedDouble(double initial);

    /**
     * A new shared array of longs, all zero: Python's {@code Array('q', length)}.
     *
     * @param length its length, at least 0
     * @return the array, removed when this context closes
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedLongArray longArray(int length);

    /**
     * A new shared array of ints, all zero: Python's {@code Array('i', length)}.
     *
     * @param length its length, at least 0
     * @return the array, removed when this context closes
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedIntArray intArray(int length);

    /**
     * A new shared array of doubles, all zero: Python's {@code Array('d', length)}.
     *
     * @param length its length, at least 0
     * @return the array, removed when this context closes
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedDoubleArray doubleArray(int length);

    /**
     * A new shared array of bytes, all zero: Python's {@code Array('b', length)} and
     * {@code RawArray}.
     *
     * @param length its length, at least 0
     * @return the array, removed when this context closes
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if the context is closed
     */
    SharedByteArray byteArray(int length);

    /**
     * A new named block of shared memory, zeroed: Python's {@code SharedMemory(create=True, size=bytes)}.
     *
     * @param bytes its size, at least 1
     * @return the block, owned by this process and removed when this context closes
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     * @throws IllegalStateException if the context is closed
     */
    SharedMemory sharedMemory(long bytes);

    /**
     * Starts a manager: a worker holding maps, lists and queues that every process uses through
     * proxies. Python's {@code Manager()}.
     *
     * @return the manager, stopped when this context closes
     * @throws IllegalStateException if the context is closed
     */
    io.github.multiprocessing4j.manager.Manager manager();

    /**
     * The workers of this context that were started and are still running. Python's
     * {@code active_children()}.
     *
     * @return a snapshot, in start order
     */
    List<WorkerProcess> activeChildren();

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Closes the context: terminates its running daemon workers, waits for its other workers to
     * end (as Python joins non-daemon children at exit), then releases every file, socket and
     * thread the context owns. Idempotent.
     */
    @Override
    void close();
}
