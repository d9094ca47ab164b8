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
 * <p>{@link #signal()} hands out one permit, {@link #signalAll()} one per waiter; a waiter sleeps
 * in the kernel until it takes a permit, its timeout elapses or it is interrupted, and always
 * returns holding the lock again. Waiters are not served in order: a thread that starts waiting
 * just after a {@code signal()} may take that permit while an earlier waiter sleeps on, which is
 * one more reason to wait in a loop. As with every {@link Condition}, wait in a loop that
 * re-checks the state. A waiting process that dies keeps counting as a waiter: a later
 * {@code signal()} may be spent on it, so wait with a timeout where processes may die. Calls
 * require the calling thread to hold the lock. Instances are thread-safe.
 */
public final class SharedCondition implements Condition, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Waiters (high 32 bits) and permits handed to them (low 32 bits), changed together by CAS. */
    private static final long STATE = 0;
    private static final long SEQ = 8;
    private static final long SLEEPERS = 12;
    private static final long ONE_WAITER = 1L << 32;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

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
        return awaitNanos0(SharedWait.nanos(timeout));
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitNanos0(Math.max(0, TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())));
    }

    private boolean awaitNanos0(long timeoutNanos) throws InterruptedException {
        lock.requireHeld();
        LONG.getAndAdd(segment, offset + STATE, ONE_WAITER);
        int holds = lock.releaseFully();
        boolean signalled = false;
        try {
            signalled = SharedWait.await(segment, offset + SEQ, offset + SLEEPERS, this::takePermit, timeoutNanos);
            return signalled;
        } finally {
            lock.reacquire(holds);
            if (!signalled) {
                // timed out or interrupted: stop counting as a waiter, and take back a permit that
                // was handed out meanwhile if it would now exceed the waiters
                while (true) {
                    long state = (long) LONG.getVolatile(segment, offset + STATE);
                    long waiting = waiting(state) - 1;
                    long next = waiting << 32 | Math.min(permits(state), waiting);
                    if (LONG.compareAndSet(segment, offset + STATE, state, next)) {
                        break;
                    }
                }
            }
        }
    }

    /** Takes a permit if there is one; the waiter then stops counting as waiting. */
    private boolean takePermit() {
        while (true) {
            long state = (long) LONG.getVolatile(segment, offset + STATE);
            if (permits(state) <= 0) {
                return false;
            }
            if (LONG.compareAndSet(segment, offset + STATE, state, state - ONE_WAITER - 1)) {
                return true;
            }
        }
    }

    private static long waiting(long state) {
        return state >>> 32;
    }

    private static long permits(long state) {
        return state & 0xFFFF_FFFFL;
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
            long state = (long) LONG.getVolatile(segment, offset + STATE);
            long give = Math.min(n, waiting(state) - permits(state));
            if (give <= 0) {
                return;
            }
            if (LONG.compareAndSet(segment, offset + STATE, state, state + give)) {
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
        long state = (long) LONG.getVolatile(segment, offset + STATE);
        return (int) Math.max(0, waiting(state) - permits(state));
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
