package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.ProcessLock;
import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A lock shared by every process that has it: Python's {@code Lock} and {@code RLock}. Create one
 * with {@link Context#lock()} or {@link Context#reentrantLock()}; capture it in a task or pass it
 * to a worker and it is the same lock there.
 *
 * <pre>{@code
 * SharedLock lock = ctx.lock();
 * ctx.process(() -> {
 *     lock.lock();
 *     try {
 *         // one process at a time
 *     } finally {
 *         lock.unlock();
 *     }
 * }).start();
 * }</pre>
 *
 * <h2>Robust where Python deadlocks</h2>
 * When a process dies holding the lock, the next process to wait for it takes it over within
 * about {@value #RECOVERY_MILLIS} ms and {@link #previousOwnerDied()} then returns {@code true}, so
 * it can check or repair what the dead holder left half done. Every acquisition gets a
 * {@linkplain #fencingToken() fencing token} one larger than the previous one, which a holder can
 * attach to what it writes elsewhere so that writes of a holder presumed dead can be rejected.
 *
 * <h2>Threads</h2>
 * The lock is held by one thread of one process. In a JVM all references to one lock share
 * which thread holds it. A lock from {@link Context#lock()} is not reentrant: locking it again in
 * the holding thread throws {@link IllegalStateException} (where Python's {@code Lock} would
 * deadlock); one from {@link Context#reentrantLock()} counts holds, like {@code RLock}. Uncontended
 * lock and unlock are one compare-and-set and one volatile store on shared memory; a waiter spins
 * briefly, then sleeps in the kernel. Instances are thread-safe.
 *
 * <p>{@link #close()} (or closing the context that created it) removes the lock's shared memory;
 * it must not be used afterwards, in any process.
 */
public final class SharedLock implements Lock, AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How long after a holder's death a waiter takes the lock over, at most (about). */
    public static final long RECOVERY_MILLIS = 100;

    /** Bytes a lock occupies in a region. */
    static final long LENGTH = 1024;
    /** Conditions a lock can have. */
    static final int MAX_CONDITIONS = 8;
    static final String KIND = "lock";

    private static final long TOKEN = 64;
    private static final long CONDITIONS = 72;
    private static final long CONDITION_SLOTS = 128;
    private static final long CONDITION_SLOT = 64;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedRegion region;
    private final transient long base;
    private final transient boolean reentrant;
    /** The kind of the value or array this lock belongs to, or null for a lock of its own. */
    private final transient String cellKind;
    private final transient ProcessLock lock;
    // state of the current hold; written and read only by the holding thread
    private transient int holds;
    private transient long token;
    private transient boolean recovered;

    SharedLock(SharedRegion region, long base, boolean reentrant, String cellKind) {
        this.region = region;
        this.base = base;
        this.reentrant = reentrant;
        this.cellKind = cellKind;
        this.lock = new ProcessLock(region.segment(), base);
    }

    static SharedLock create(boolean reentrant) {
        SharedRegion region = SyncRegions.create(KIND, SyncRegions.BODY + LENGTH, reentrant ? 1 : 0, 0);
        return SyncRegions.register(region, new SharedLock(region, SyncRegions.BODY, reentrant, null));
    }

    MemorySegment segment() {
        return region.segment();
    }

    long base() {
        return base;
    }

    // ------------------------------------------------------------------ Lock

    /**
     * Acquires the lock, waiting as long as needed. An interrupt while waiting does not stop the
     * wait; the thread's interrupt status is set again when it returns.
     *
     * @throws IllegalStateException if this thread already holds a non-reentrant lock
     */
    @Override
    public void lock() {
        boolean interrupted = false;
        while (true) {
            try {
                acquire(-1);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Acquires the lock unless the thread is interrupted.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if this thread already holds a non-reentrant lock
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire(-1);
    }

    /**
     * Acquires the lock if it is free now (or its holder is dead).
     *
     * @return {@code true} if acquired
     * @throws IllegalStateException if this thread already holds a non-reentrant lock
     */
    @Override
    public boolean tryLock() {
        try {
            return acquire(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Acquires the lock if it becomes free within the timeout.
     *
     * @param time how long to wait
     * @param unit its unit
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if this thread already holds a non-reentrant lock
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire(Math.max(0, unit.toNanos(time)));
    }

    private boolean acquire(long timeoutNanos) throws InterruptedException {
        if (reentrant && lock.isHeldByCurrentThread()) {
            if (holds == Integer.MAX_VALUE) {
                throw new IllegalStateException("maximum hold count of a reentrant lock exceeded");
            }
            holds++;
            return true;
        }
        ProcessLock.Acquired acquired = lock.acquire(timeoutNanos, () -> false);
        if (acquired == ProcessLock.Acquired.TIMED_OUT) {
            return false;
        }
        holds = 1;
        recovered = acquired == ProcessLock.Acquired.RECOVERED;
        token = (long) LONG.getAndAdd(region.segment(), base + TOKEN, 1L) + 1;
        return true;
    }

    /**
     * Releases one hold of the lock; the last one frees it.
     *
     * @throws IllegalMonitorStateException if this thread does not hold it
     */
    @Override
    public void unlock() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by this thread");
        }
        if (--holds == 0) {
            lock.release();
        }
    }

    /**
     * A new condition of this lock, usable from every process that has the lock: Python's
     * {@code Condition(lock)}. A lock has at most {@value #MAX_CONDITIONS} conditions over its
     * lifetime, counted across all processes (conditions are not released): create them once, next
     * to the lock, and pass them to workers.
     *
     * @return the condition
     * @throws IllegalStateException if the lock has all its conditions already
     */
    @Override
    public SharedCondition newCondition() {
        int slot = (int) INT.getAndAdd(region.segment(), base + CONDITIONS, 1);
        if (slot >= MAX_CONDITIONS) {
            INT.getAndAdd(region.segment(), base + CONDITIONS, -1);
            throw new IllegalStateException("a shared lock has at most " + MAX_CONDITIONS + " conditions");
        }
        return new SharedCondition(this, slot);
    }

    long conditionOffset(int slot) {
        return base + CONDITION_SLOTS + slot * CONDITION_SLOT;
    }

    /** Releases every hold for a condition wait; returns how many there were. */
    int releaseFully() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by this thread");
        }
        int saved = holds;
        holds = 0;
        lock.release();
        return saved;
    }

    /** Re-acquires after a condition wait, uninterruptibly, with the saved hold count. */
    void reacquire(int savedHolds) {
        lock();
        holds = savedHolds;
    }

    void requireHeld() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by this thread");
        }
    }

    // ------------------------------------------------------------------ beyond Lock

    /**
     * The fencing token of the current hold: one more than the previous acquisition's, in any
     * process.
     *
     * @return the token, at least 1
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public long fencingToken() {
        requireHeld();
        return token;
    }

    /**
     * Whether the current hold was taken over from a process that died holding the lock.
     *
     * @return {@code true} if the previous owner died
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public boolean previousOwnerDied() {
        requireHeld();
        return recovered;
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return {@code true} if it does
     */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /**
     * Whether some thread of some process holds the lock now.
     *
     * @return {@code true} if it is held
     */
    public boolean isLocked() {
        return lock.owner() != 0;
    }

    /**
     * The pid of the process holding the lock.
     *
     * @return the pid, or 0 when the lock is free
     */
    public long ownerPid() {
        return lock.owner();
    }

    /**
     * Whether the lock counts holds ({@link Context#reentrantLock()}).
     *
     * @return {@code true} for a reentrant lock
     */
    public boolean isReentrant() {
        return reentrant;
    }

    /**
     * Removes the lock's shared memory (in the creating process; elsewhere only unmaps it).
     * Values and arrays close their own lock with themselves. Idempotent.
     */
    @Override
    public void close() {
        if (cellKind == null) {
            SyncRegions.close(region);
        }
    }

    @Override
    public String toString() {
        int owner = lock.owner();
        return "SharedLock[" + region.path().getFileName() + (reentrant ? ", reentrant" : "")
                + (owner == 0 ? ", free" : ", held by pid " + owner) + "]";
    }

    // ------------------------------------------------------------------ passing to workers

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new Ref(region.path().toString(), base, reentrant, cellKind);
    }

    /** The serialized form: the file, where the lock lives in it, and whose it is. */
    private record Ref(String path, long base, boolean reentrant, String cellKind) implements java.io.Serializable {
        @Serial
        Object readResolve() throws ObjectStreamException {
            if (cellKind == null) {
                return SyncRegions.attach(Path.of(path), KIND, SharedLock.class,
                        region -> new SharedLock(region, base, reentrant, null));
            }
            // a value's or an array's lock: the same lock object as the value's in this JVM
            return SharedCell.attach(cellKind, Path.of(path)).lock();
        }
    }
}
