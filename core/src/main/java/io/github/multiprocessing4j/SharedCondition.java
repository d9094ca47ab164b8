package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.SharedWait;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A condition of a {@link SharedLock}, shared by every process that has the lock: Python's
 * {@code Condition}. Get one from {@link SharedLock#newCondition()}; it travels to workers with
 * the lock.
 *
 * <pre>{@code
 * SharedLock lock = ctx.lock();
 * SharedCondition ready = lock.newCondition();
 * SharedLong stock = ctx.sharedLong(0);
 * // consumer, in any process
 * lock.lock();
 * try {
 *     while (stock.get() == 0) {
 *         ready.await();
 *     }
 *     stock.decrementAndGet();
 * } finally {
 *     lock.unlock();
 * }
 * // producer: lock, stock.incrementAndGet(), ready.signal(), unlock
 * }</pre>
 *
 * <p>{@link #signal()} hands one permit to one waiter, {@link #signalAll()} one to each; a waiter
 * sleeps in the kernel until it takes a permit, its timeout elapses or it is interrupted, and
 * always returns holding the lock again. As with every {@link Condition}, wait in a loop that
 * re-checks the state. A waiting process that dies keeps counting as a waiter: a later
 * {@code signal()} may be spent on it, so wait with a timeout where processes may die. Calls
 * require the calling thread to hold the lock. Instances are thread-safe.
 */
public final class SharedCondition implements Condition, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final long WAITING = 0;
    private static final long PERMITS = 4;
    private static final long SEQ = 8;
    private static final long SLEEPERS = 12;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final SharedLock lock;
    private final int slot;
    private final transient MemorySegment segment;
    private final transient long offset;

    SharedCondition(SharedLock lock, int slot) {
        this.lock = lock;
        this.slot = slot;
        this.segment = lock.segment();
        this.offset = lock.conditionOffset(slot);
    }

    /**
     * The lock this condition belongs to.
     *
     * @return the lock
     */
    public SharedLock lock() {
        return lock;
    }

    // ------------------------------------------------------------------ waiting

    @Override
    public void await() throws InterruptedException {
        awaitNanos0(-1);
    }

    @Override
    public void awaitUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                awaitNanos0(-1);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the lock is held again; wait once more, as the contract says
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanosTimeout);
        awaitNanos0(Math.max(0, nanosTimeout));
        return deadline - System.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos0(Math.max(0, unit.toNanos(time)));
    }

    /**
     * Waits up to {@code timeout} for a signal.
     *
     * @param timeout how long
     * @return {@code true} if signalled, {@code false} on timeout
     * @throws InterruptedException if interrupted (the lock is held again)
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos0(Math.max(0, timeout.toNanos()));
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitNanos0(Math.max(0, TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())));
    }

    private boolean awaitNanos0(long timeoutNanos) throws InterruptedException {
        lock.requireHeld();
        INT.getAndAdd(segment, offset + WAITING, 1);
        int holds = lock.releaseFully();
        boolean signalled = false;
        try {
            signalled = SharedWait.await(segment, offset + SEQ, offset + SLEEPERS, this::takePermit, timeoutNanos);
            return signalled;
        } finally {
            lock.reacquire(holds);
            if (!signalled) {
                // timed out or interrupted: stop counting as a waiter, and take back a permit that
                // was handed out for this thread meanwhile (permits never exceed waiters)
                INT.getAndAdd(segment, offset + WAITING, -1);
                while (true) {
                    int permits = (int) INT.getVolatile(segment, offset + PERMITS);
                    int waiting = (int) INT.getVolatile(segment, offset + WAITING);
                    if (permits <= waiting || INT.compareAndSet(segment, offset + PERMITS, permits, permits - 1)) {
                        break;
                    }
                }
            }
        }
    }

    /** Takes a permit if there is one; the waiter then stops counting as waiting. */
    private boolean takePermit() {
        while (true) {
            int permits = (int) INT.getVolatile(segment, offset + PERMITS);
            if (permits <= 0) {
                return false;
            }
            if (INT.compareAndSet(segment, offset + PERMITS, permits, permits - 1)) {
                INT.getAndAdd(segment, offset + WAITING, -1);
                return true;
            }
        }
    }

    // ------------------------------------------------------------------ signalling

    /**
     * Wakes one waiting thread, in any process, if there is one: Python's {@code notify()}.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    @Override
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting threads: Python's {@code notify(n)}.
     *
     * @param n how many, at least 1
     * @throws IllegalArgumentException if {@code n} is less than 1
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public void signal(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " (expected: at least 1)");
        }
        lock.requireHeld();
        while (true) {
            int permits = (int) INT.getVolatile(segment, offset + PERMITS);
            int waiting = (int) INT.getVolatile(segment, offset + WAITING);
            int give = Math.min(n, waiting - permits);
            if (give <= 0) {
                return;
            }
            if (INT.compareAndSet(segment, offset + PERMITS, permits, permits + give)) {
                SharedWait.signalAll(segment, offset + SEQ, offset + SLEEPERS);
                return;
            }
        }
    }

    /**
     * Wakes every waiting thread, in every process: Python's {@code notify_all()}.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    @Override
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /**
     * Threads waiting now, in all processes (approximate while others come and go).
     *
     * @return the count
     */
    public int waiting() {
        return Math.max(0, (int) INT.getVolatile(segment, offset + WAITING) - (int) INT.getVolatile(segment,
                offset + PERMITS));
    }

    @Override
    public String toString() {
        return "SharedCondition[" + slot + " of " + lock + "]";
    }

    @Serial
    Object readResolve() throws ObjectStreamException {
        return new SharedCondition(lock, slot);
    }
}
