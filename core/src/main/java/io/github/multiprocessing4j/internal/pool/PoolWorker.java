package io.github.multiprocessing4j.internal.pool;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * One worker of a pool, as the pool's scheduler sees it: the units handed to it in order, and the
 * two counters (items started, items finished) that say which item runs now. Fields are guarded
 * by the pool lock unless marked otherwise.
 */
abstract class PoolWorker {

    final WorkerPool pool;
    final String name;
    /** Signalled when there may be work for this worker or it should stop. */
    final Condition wake;
    /** Units handed to this worker whose results have not all come back, oldest first. */
    final ArrayDeque<Unit> inFlight = new ArrayDeque<>();
    long inFlightItems;
    /** Items ever handed to this worker; the next unit's first global item index. */
    long sentItems;
    /** Items whose results came back. */
    long resolvedItems;
    /** The worker answered its set-up (a started JVM, an initializer that returned). */
    boolean ready;
    /** No more work is handed to it; it ends once its units are resolved. */
    boolean retiring;
    /** It has ended or been given up on; its units were resolved by {@link WorkerPool#workerGone}. */
    boolean gone;
    /** Why the running item must fail when the worker ends (a timeout, a cancellation), if we stopped it. */
    Throwable stopReason;
    /** The item that was running when we stopped the worker, -1 if none. */
    long killedItem = -1;
    /** The started count last seen by the supervisor, and when (this JVM's clock). */
    long seenStarted = -1;
    long seenAtNanos;

    PoolWorker(WorkerPool pool, String name) {
        this.pool = pool;
        this.name = name;
        this.wake = pool.lock.newCondition();
    }

    /** Starts the worker; called without the pool lock. */
    abstract void start();

    /** Items this worker has started; read with acquire semantics. */
    abstract long started();

    /** Items this worker has finished; read with acquire semantics. */
    abstract long finished();

    /**
     * Stops the worker at once: the running item fails with {@code reason}, the others are queued
     * again. Pool lock held; the end is reported through {@link WorkerPool#workerGone}.
     */
    abstract void kill(Throwable reason);

    /** Records why we stop the worker and which item was running then. Pool lock held. */
    final void markStopped(Throwable reason) {
        long started = started();
        killedItem = started > finished() ? started - 1 : -1;
        stopReason = reason;
        wake.signalAll();
    }

    /** The global index of the item running now (or when we stopped the worker), -1 if none. */
    final long runningItem() {
        if (stopReason != null) {
            return killedItem;
        }
        long started = started();
        return started > finished() ? started - 1 : -1;
    }

    /** Asks an idle worker to end once its units are resolved. Pool lock held. */
    void retire() {
        retiring = true;
        wake.signalAll();
    }

    /**
     * Whether a caller may hand this worker a small call itself, without waking its dispatcher:
     * it is ready, idle and nobody else is sending to it. Pool lock held. Only process workers
     * do this; a thread worker takes its work itself.
     */
    boolean canTakeDirectly() {
        return false;
    }

    /** Marks that the calling thread will send the units it just took for this worker. Pool lock held. */
    void beginDirect() {
        throw new UnsupportedOperationException();
    }

    /** Sends units taken after {@link #beginDirect}; called without the pool lock. */
    void sendDirect(List<Unit> batch) {
        throw new UnsupportedOperationException();
    }

    /** How many items may be in flight on this worker. Pool lock held. */
    abstract long capacity();

    /** The failure of the running item when the worker ended without being told to. */
    abstract Throwable crashCause();

    /** The unit holding the worker's item with global index {@code item}, or {@code null}. Pool lock held. */
    final Unit unitOf(long item) {
        for (Unit unit : inFlight) {
            if (item >= unit.firstItem && item < unit.firstItem + unit.count) {
                return unit;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
