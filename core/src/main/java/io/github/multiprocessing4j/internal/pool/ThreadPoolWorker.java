package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.util.Threads;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A pool worker that is a thread of this JVM (platform or virtual): it takes one unit at a time and
 * runs it in place, nothing copied. A thread cannot be killed: when its task times out or is
 * cancelled, the thread is interrupted and abandoned, a new one takes its place, and whatever the
 * old one returns later is dropped.
 */
final class ThreadPoolWorker extends PoolWorker {

    private final Thread thread;
    private final SerializableRunnable initializer;
    private volatile long started;
    private volatile long finished;
    private volatile Throwable initFailure;

    ThreadPoolWorker(WorkerPool pool, String name, BiFunction<String, Runnable, Thread> threads,
            SerializableRunnable initializer) {
        super(pool, name);
        this.initializer = initializer;
        this.thread = threads.apply(name, this::run);
    }

    @Override
    void start() {
        thread.start();
    }

    @Override
    long started() {
        return started;
    }

    @Override
    long finished() {
        return finished;
    }

    @Override
    long capacity() {
        return 1;
    }

    @Override
    Throwable crashCause() {
        Throwable failure = initFailure;
        return failure != null ? failure : new IllegalStateException("worker thread " + name + " ended unexpectedly");
    }

    @Override
    void kill(Throwable reason) {
        markStopped(reason);
        thread.interrupt();
        Threads.events().execute(() -> pool.workerGone(this));
    }

    private void run() {
        if (initializer != null) {
            try {
                initializer.run();
            } catch (Throwable t) {
                initFailure = t;
                pool.log("initializer failed on " + name, t);
                pool.workerGone(this);
                return;
            }
        }
        pool.workerReady(this);
        try {
            while (true) {
                Unit unit = next();
                if (unit == null) {
                    break;
                }
                runUnit(unit);
                if (stopReason == null) {
                    Thread.interrupted(); // a task's own interrupt must not end the worker
                }
            }
        } catch (InterruptedException e) {
            // stopped by the pool
        }
        pool.workerGone(this);
    }

    private Unit next() throws InterruptedException {
        pool.lock.lock();
        try {
            while (true) {
                if (gone || stopReason != null || (retiring && inFlight.isEmpty())) {
                    return null;
                }
                List<Unit> units = pool.takeUnits(this);
                if (!units.isEmpty()) {
                    return units.getFirst();
                }
                wake.await();
            }
        } finally {
            pool.lock.unlock();
            pool.startPending();
        }
    }

    private void runUnit(Unit unit) {
        Object[] values = new Object[unit.count];
        Throwable[] errors = null;
        long begin = System.nanoTime();
        for (int i = 0; i < unit.count; i++) {
            started = started + 1;
            try {
                values[i] = Wire.invoke(unit.call.kind, unit.call.function, unit.args[unit.from + i]);
            } catch (Throwable t) {
                if (errors == null) {
                    errors = new Throwable[unit.count];
                }
                errors[i] = t;
            }
            finished = finished + 1;
            if (stopReason != null) {
                return; // abandoned: what is left of the unit was queued again
            }
        }
        pool.resultsArrived(this, List.of(new WorkerPool.Result(unit.id, values, errors)), System.nanoTime() - begin);
    }
}
