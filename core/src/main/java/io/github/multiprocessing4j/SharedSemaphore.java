package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.ProcessLock;
import io.github.multiprocessing4j.internal.ipc.SharedWait;
import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A counting semaphore shared by every process that has it: Python's {@code Semaphore} and
 * {@code BoundedSemaphore}. Create one with {@link Context#semaphore(int)} or
 * {@link Context#boundedSemaphore(int)}.
 *
 * <pre>{@code
 * SharedSemaphore connections = ctx.boundedSemaphore(4);
 * pool.map(url -> {
 *     connections.acquire();
 *     try {
 *         return fetch(url);
 *     } finally {
 *         connections.release();
 *     }
 * }, urls);
 * }</pre>
 *
 * <h2>Permits of dead processes come back</h2>
 * Each process's permits are counted: what it acquired minus what it released (never below
 * zero). When a process dies holding permits, a process waiting for permits gets them back within
 * about {@value SharedLock#RECOVERY_MILLIS} ms. So a semaphore here guards resources; to signal
 * from one process to another, use a {@link SharedEvent} or a queue, since permits a process
 * acquired without releasing would come back when it dies. The accounting has room for
 * {@value #TRACKED_PROCESSES} processes at once; permits of further processes are not recovered.
 *
 * <p>A bounded semaphore rejects a release that would take it above its initial permits, as
 * Python's {@code BoundedSemaphore} does. Waiters spin briefly, then sleep in the kernel.
 * Instances are thread-safe. {@link #close()} (or closing the creating context) removes the shared
 * memory.
 */
public final class SharedSemaphore implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How many processes' permits are tracked at once. */
    public static final int TRACKED_PROCESSES = 128;

    static final String KIND = "semaphore";

    private static final long PERMITS = SyncRegions.BODY;
    private static final long SEQ = PERMITS + 4;
    private static final long SLEEPERS = PERMITS + 8;
    private static final long SLOTS = SyncRegions.BODY + 64;
    private static final long SLOT = 8; // pid, permits held
    private static final int RECLAIMING = -1;
    private static final int PID = (int) ProcessHandle.current().pid();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedRegion region;
    private final transient MemorySegment segment;
    /** -1 for an unbounded semaphore, else the most permits it may have. */
    private final transient int bound;
    /** This process's accounting slot, or -1 before it has one. */
    private transient volatile long slot = -1;

    SharedSemaphore(SharedRegion region) {
        this.region = region;
        this.segment = region.segment();
        this.bound = SyncRegions.intParameter(region);
    }

    static SharedSemaphore create(int permits, boolean bounded) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits: " + permits + " (expected: at least 0)");
        }
        SharedRegion region = SyncRegions.create(KIND, SLOTS + TRACKED_PROCESSES * SLOT, bounded ? permits : -1, 0);
        region.segment().set(ValueLayout.JAVA_INT, PERMITS, permits);
        return SyncRegions.register(region, new SharedSemaphore(region));
    }

    /**
     * Takes one permit, waiting as long as needed.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        acquire(1, -1);
    }

    /**
     * Takes {@code n} permits at once, waiting as long as needed.
     *
     * @param n how many, at least 1
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquire(int n) throws InterruptedException {
        acquire(n, -1);
    }

    /**
     * Takes a permit if one is available now.
     *
     * @return {@code true} if taken
     */
    public boolean tryAcquire() {
        try {
            return acquire(1, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Takes a permit if one becomes available within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return {@code true} if taken, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return acquire(1, SharedWait.nanos(timeout));
    }

    /**
     * Takes {@code n} permits if they become available within {@code timeout}.
     *
     * @param n how many, at least 1
     * @param timeout how long to wait
     * @return {@code true} if taken, {@code false} on timeout (none taken)
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean tryAcquire(int n, Duration timeout) throws InterruptedException {
        return acquire(n, SharedWait.nanos(timeout));
    }

    private boolean acquire(int n, long timeoutNanos) throws InterruptedException {
        if (n < 1) {
            throw new IllegalArgumentException("permits: " + n + " (expected: at least 1)");
        }
        long deadline = SharedWait.deadline(timeoutNanos);
        boolean reclaim = timeoutNanos == 0;
        while (true) {
            int permits = (int) INT.getVolatile(segment, PERMITS);
            if (permits >= n) {
                if (INT.compareAndSet(segment, PERMITS, permits, permits - n)) {
                    account(n);
                    return true;
                }
                continue;
            }
            if (reclaim && reclaimFromDead()) {
                continue;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            // no permit came for a whole slice: perhaps their holder died
            reclaim = !SharedWait.await(segment, SEQ, SLEEPERS, () -> (int) INT.getVolatile(segment, PERMITS) >= n,
                    Math.min(remaining, ProcessLock.LIVENESS_SLICE_NANOS));
        }
    }

    /**
     * Returns one permit.
     *
     * @throws IllegalStateException if the semaphore is bounded and already has all its permits
     */
    public void release() {
        release(1);
    }

    /**
     * Returns {@code n} permits.
     *
     * @param n how many, at least 1
     * @throws IllegalStateException if the semaphore is bounded and would exceed its bound
     *     (nothing is released)
     */
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("permits: " + n + " (expected: at least 1)");
        }
        while (true) {
            int permits = (int) INT.getVolatile(segment, PERMITS);
            if (bound >= 0 && (long) permits + n > bound) {
                throw new IllegalStateException("a bounded semaphore of " + bound + " permits released too many times ("
                        + permits + " available, releasing " + n + ")");
            }
            if ((long) permits + n > Integer.MAX_VALUE) {
                throw new IllegalStateException("permit count overflow");
            }
            if (INT.compareAndSet(segment, PERMITS, permits, permits + n)) {
                break;
            }
        }
        account(-n);
        SharedWait.signalAll(segment, SEQ, SLEEPERS);
    }

    /**
     * Permits available now.
     *
     * @return the count
     */
    public int availablePermits() {
        return (int) INT.getVolatile(segment, PERMITS);
    }

    /**
     * Whether the semaphore rejects releases beyond its initial permits.
     *
     * @return {@code true} for a bounded semaphore
     */
    public boolean isBounded() {
        return bound >= 0;
    }

    // ------------------------------------------------------------------ accounting

    /** Adds {@code delta} to this process's held permits, never going below zero. */
    private void account(int delta) {
        long at = delta > 0 ? mySlot() : slot; // a release by a process that never acquired needs no slot
        if (at < 0) {
            return; // the table is full: not tracked
        }
        while (true) {
            int held = (int) INT.getVolatile(segment, at + 4);
            int next = Math.max(0, held + delta);
            if (next == held || INT.compareAndSet(segment, at + 4, held, next)) {
                return;
            }
        }
    }

    private long mySlot() {
        long at = slot;
        if (at >= 0 && (int) INT.getVolatile(segment, at) == PID) {
            return at;
        }
        synchronized (this) {
            for (int attempt = 0; attempt < 2; attempt++) {
                for (int i = 0; i < TRACKED_PROCESSES; i++) {
                    long candidate = SLOTS + i * SLOT;
                    int pid = (int) INT.getVolatile(segment, candidate);
                    if (pid == PID || pid == 0 && INT.compareAndSet(segment, candidate, 0, PID)) {
                        slot = candidate;
                        return candidate;
                    }
                }
                freeSlotsOfDeadProcesses(); // the table is full: make room, then look again
            }
        }
        return -1;
    }

    /** Returns the permits of processes that died holding some; true if any came back. */
    private boolean reclaimFromDead() {
        boolean any = false;
        for (int i = 0; i < TRACKED_PROCESSES; i++) {
            long at = SLOTS + i * SLOT;
            int pid = (int) INT.getVolatile(segment, at);
            // only slots holding permits are worth a look at /proc
            if (pid == 0 || pid == RECLAIMING || pid == PID || (int) INT.getVolatile(segment, at + 4) <= 0
                    || ProcessLock.isAlive(pid) || !INT.compareAndSet(segment, at, pid, RECLAIMING)) {
                continue;
            }
            int held = (int) INT.getAndSet(segment, at + 4, 0);
            if (held > 0) {
                while (true) {
                    int permits = (int) INT.getVolatile(segment, PERMITS);
                    int next = bound >= 0 ? Math.min(bound, permits + held) : permits + held;
                    if (INT.compareAndSet(segment, PERMITS, permits, next)) {
                        break;
                    }
                }
                any = true;
            }
            INT.setVolatile(segment, at, 0);
        }
        if (any) {
            SharedWait.signalAll(segment, SEQ, SLEEPERS);
        }
        return any;
    }

    /** Frees the slots of dead processes that hold no permits. */
    private void freeSlotsOfDeadProcesses() {
        for (int i = 0; i < TRACKED_PROCESSES; i++) {
            long at = SLOTS + i * SLOT;
            int pid = (int) INT.getVolatile(segment, at);
            if (pid != 0 && pid != RECLAIMING && pid != PID && (int) INT.getVolatile(segment, at + 4) == 0
                    && !ProcessLock.isAlive(pid)) {
                INT.compareAndSet(segment, at, pid, 0);
            }
        }
    }

    /** Removes the semaphore's shared memory (in the creating process; elsewhere only unmaps it). */
    @Override
    public void close() {
        SyncRegions.close(region);
    }

    @Override
    public String toString() {
        return "SharedSemaphore[" + region.path().getFileName() + ", " + availablePermits() + " available"
                + (bound >= 0 ? ", bound " + bound : "") + "]";
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new SyncRef(region.path().toString(), KIND);
    }
}
