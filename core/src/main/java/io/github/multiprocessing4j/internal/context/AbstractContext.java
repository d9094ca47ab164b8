package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.JoinableQueue;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.PoolOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.SharedBarrier;
import io.github.multiprocessing4j.SharedByteArray;
import io.github.multiprocessing4j.SharedDouble;
import io.github.multiprocessing4j.SharedDoubleArray;
import io.github.multiprocessing4j.SharedEvent;
import io.github.multiprocessing4j.SharedInt;
import io.github.multiprocessing4j.SharedIntArray;
import io.github.multiprocessing4j.SharedLock;
import io.github.multiprocessing4j.SharedLong;
import io.github.multiprocessing4j.SharedLongArray;
import io.github.multiprocessing4j.SharedMemory;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.SharedSemaphore;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.internal.os.Linux;
import io.github.multiprocessing4j.spi.Codec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every backend's context shares: the list of started workers, {@code activeChildren()} and
 * the close sequence (terminate daemons, join the others, then release backend resources).
 */
abstract class AbstractContext implements Context {

    /** Bytes of shared memory per queue and per pipe direction. */
    static final int QUEUE_RING_BYTES = 1 << 20;

    /** How long a terminated daemon worker may take to end before it is killed. */
    static final Duration DAEMON_GRACE = Duration.ofSeconds(5);

    private final List<AbstractWorker> children = new CopyOnWriteArrayList<>();
    private final List<ProcessPool> pools = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> sharedObjects = new CopyOnWriteArrayList<>();

    AbstractContext() {
        // every backend's queues, locks and pools wait on futexes: bind the call before the first wait
        Linux.prepareFutexInBackground();
    }
    private final AtomicBoolean closed = new AtomicBoolean();

    final void register(AbstractWorker worker) {
        children.add(worker);
    }

    final void requireOpen(String what) {
        if (closed.get()) {
            throw new IllegalStateException("cannot create " + what + ": the context is closed");
        }
    }

    @Override
    public final ProcessPool pool(int workers) {
        return pool(PoolOptions.ofWorkers(workers));
    }

    @Override
    public final ProcessPool pool(PoolOptions options) {
        Objects.requireNonNull(options, "options");
        requireOpen("a pool");
        ProcessPool[] created = new ProcessPool[1];
        ProcessPool pool = newPool(options, () -> pools.remove(created[0]));
        created[0] = pool;
        pools.add(pool);
        if (pool.isTerminated()) {
            pools.remove(pool);
        }
        return pool;
    }

    /**
     * Creates a pool of this backend.
     *
     * @param options the options
     * @param onTerminated to run once the pool has terminated
     * @return the pool
     */
    abstract ProcessPool newPool(PoolOptions options, Runnable onTerminated);

    /** The codec of queue elements and pipe messages. */
    abstract Codec codec();

    @Override
    public final <E> SharedQueue<E> queue() {
        return queue(Integer.MAX_VALUE, false);
    }

    @Override
    public final <E> SharedQueue<E> queue(int capacity) {
        return queue(capacity, false);
    }

    @Override
    public final <E> SharedQueue<E> queue(int capacity, int maxBytes) {
        if (maxBytes < 4096) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: at least 4096)");
        }
        int ring = Integer.bitCount(maxBytes) == 1 ? maxBytes : Integer.highestOneBit(maxBytes - 1) << 1;
        if (ring <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: at most 1 GiB)");
        }
        return queue(capacity, false, ring);
    }

    @Override
    public final <E> JoinableQueue<E> joinableQueue() {
        return (JoinableQueue<E>) this.<E>queue(Integer.MAX_VALUE, true);
    }

    @Override
    public final <E> JoinableQueue<E> joinableQueue(int capacity) {
        return (JoinableQueue<E>) this.<E>queue(capacity, true);
    }

    private <E> SharedQueue<E> queue(int capacity, boolean joinable) {
        return queue(capacity, joinable, QUEUE_RING_BYTES);
    }

    private <E> SharedQueue<E> queue(int capacity, boolean joinable, int ringBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at least 1)");
        }
        requireOpen("a queue");
        QueueCore core = QueueCore.create("queue", capacity, ringBytes);
        sharedObjects.add(core);
        return SharedObjects.factory().queue(core, codec(), joinable);
    }

    @Override
    public final <T> Pipe<T> pipe() {
        return pipe(true);
    }

    @Override
    public final <T> Pipe<T> pipe(boolean duplex) {
        requireOpen("a pipe");
        QueueCore toFirst = QueueCore.create("pipe", Integer.MAX_VALUE, QUEUE_RING_BYTES);
        sharedObjects.add(toFirst);
        QueueCore toSecond = null;
        if (duplex) {
            toSecond = QueueCore.create("pipe", Integer.MAX_VALUE, QUEUE_RING_BYTES);
            sharedObjects.add(toSecond);
        }
        return SharedObjects.factory().pipe(toFirst, toSecond, codec());
    }

    @Override
    public final SharedLock lock() {
        return sync(SharedLock.class, 0, false, "a lock");
    }

    @Override
    public final SharedLock reentrantLock() {
        return sync(SharedLock.class, 1, false, "a lock");
    }

    @Override
    public final SharedSemaphore semaphore(int permits) {
        return sync(SharedSemaphore.class, permits, false, "a semaphore");
    }

    @Override
    public final SharedSemaphore boundedSemaphore(int permits) {
        return sync(SharedSemaphore.class, permits, true, "a semaphore");
    }

    @Override
    public final SharedEvent event() {
        return sync(SharedEvent.class, 0, false, "an event");
    }

    @Override
    public final SharedBarrier barrier(int parties) {
        return sync(SharedBarrier.class, parties, false, "a barrier");
    }

    @Override
    public final SharedLong sharedLong(long initial) {
        return sync(SharedLong.class, initial, false, "a shared value");
    }

    @Override
    public final SharedInt sharedInt(int initial) {
        return sync(SharedInt.class, initial, false, "a shared value");
    }

    @Override
    public final SharedDouble sharedDouble(double initial) {
        return sync(SharedDouble.class, Double.doubleToRawLongBits(initial), false, "a shared value");
    }

    @Override
    public final SharedLongArray longArray(int length) {
        return sync(SharedLongArray.class, length, false, "a shared array");
    }

    @Override
    public final SharedIntArray intArray(int length) {
        return sync(SharedIntArray.class, length, false, "a shared array");
    }

    @Override
    public final SharedDoubleArray doubleArray(int length) {
        return sync(SharedDoubleArray.class, length, false, "a shared array");
    }

    @Override
    public final SharedByteArray byteArray(int length) {
        return sync(SharedByteArray.class, length, false, "a shared array");
    }

    @Override
    public final SharedMemory sharedMemory(long bytes) {
        return sync(SharedMemory.class, bytes, false, "shared memory");
    }

    @Override
    public final io.github.multiprocessing4j.manager.Manager manager() {
        requireOpen("a manager");
        io.github.multiprocessing4j.manager.Manager manager = io.github.multiprocessing4j.manager.Manager.start(this);
        sharedObjects.add(0, manager); // closed before the queues it uses
        return manager;
    }

    private <T extends AutoCloseable> T sync(Class<T> type, long parameter, boolean bounded, String what) {
        requireOpen(what);
        T created = SharedObjects.factory().sync(type, parameter, bounded);
        sharedObjects.add(created);
        return created;
    }

    @Override
    public final List<WorkerProcess> activeChildren() {
        List<WorkerProcess> alive = new ArrayList<>();
        for (AbstractWorker child : children) {
            if (child.isAlive()) {
                alive.add(child);
            } else {
                children.remove(child); // as Python, forget children that have ended
            }
        }
        return alive;
    }

    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        try {
            closeResources(true);
            for (ProcessPool pool : pools) {
                pool.shutdownNow();
            }
            for (ProcessPool pool : pools) {
                try {
                    pool.awaitTermination(DAEMON_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            pools.clear();
            for (AbstractWorker child : children) {
                if (child.isAlive() && child.isDaemon()) {
                    child.terminate();
                }
            }
            for (AbstractWorker child : children) {
                if (!child.isAlive()) {
                    continue;
                }
                try {
                    if (child.isDaemon()) {
                        if (!child.join(DAEMON_GRACE)) {
                            child.kill();
                            child.join(DAEMON_GRACE);
                        }
                    } else {
                        child.join();
                    }
                } catch (InterruptedException e) {
                    // stop waiting politely: end the remaining workers, then finish closing
                    interrupted = true;
                    child.kill();
                }
            }
        } finally {
            children.clear();
            for (AutoCloseable shared : sharedObjects) {
                try {
                    shared.close();
                } catch (Exception e) {
                    // closing a queue does not fail; keep closing the others
                }
            }
            sharedObjects.clear();
            closeResources(false);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Releases backend resources. Called twice by {@link #close()}: first before workers are
     * stopped ({@code beforeWorkers}: stop accepting new work), then after.
     *
     * @param beforeWorkers which of the two calls this is
     */
    abstract void closeResources(boolean beforeWorkers);
}
