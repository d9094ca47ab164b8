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
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A meeting point for a fixed number of parties, in any processes: Python's {@code Barrier}, with
 * {@link java.util.concurrent.CyclicBarrier}'s exceptions. Create one with
 * {@link Context#barrier(int)}. It is cyclic: once all parties have arrived it opens and starts
 * over.
 *
 * <pre>{@code
 * SharedBarrier stage = ctx.barrier(4);
 * for (int i = 0; i < 4; i++) {
 *     ctx.process(() -> {
 *         load();
 *         stage.await(); // nobody computes before everybody has loaded
 *         compute();
 *     }).start();
 * }
 * }</pre>
 *
 * <p>A party that times out or is interrupted while waiting breaks the barrier: every waiter gets
 * {@link BrokenBarrierException}, and so does every later {@code await} until {@link #reset()}.
 * A party whose process dies does not arrive; the others wait for it, so use
 * {@link #await(Duration)} where parties may die. Instances are thread-safe. {@link #close()} (or
 * closing the creating context) removes the shared memory.
 */
public final class SharedBarrier implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "barrier";

    private static final long LOCK = SyncRegions.BODY;
    private static final long COUNT = LOCK + 64;
    private static final long GENERATION = COUNT + 4;
    private static final long BROKEN = COUNT + 8;
    private static final long SEQ = COUNT + 16;
    private static final long SLEEPERS = COUNT + 20;
    /**
     * How the last 64 generations ended: bit {@code g & 63} is set if {@link #reset()} ended
     * generation {@code g} while parties waited in it, clear if it opened. A waiter reads its
     * generation's bit when it wakes, which is long before 64 more generations pass.
     */
    private static final long RESETS = COUNT + 24;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final transient SharedRegion region;
    private final transient MemorySegment segment;
    private final transient ProcessLock lock;
    private final transient int parties;

    SharedBarrier(SharedRegion region) {
        this.region = region;
        this.segment = region.segment();
        this.lock = new ProcessLock(segment, LOCK);
        this.parties = SyncRegions.intParameter(region);
    }

    static SharedBarrier create(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties: " + parties + " (expected: at least 1)");
        }
        SharedRegion region = SyncRegions.create(KIND, SyncRegions.BODY + 128, parties, 0);
        return SyncRegions.register(region, new SharedBarrier(region));
    }

    /**
     * Waits until all parties have called {@code await}.
     *
     * @return this party's arrival index: {@code parties() - 1} for the first, 0 for the last
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     * @throws BrokenBarrierException if the barrier is or becomes broken, or is reset, while
     *     waiting
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return await0(-1);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot happen: no timeout", e);
        }
    }

    /**
     * Waits up to {@code timeout} for all parties.
     *
     * @param timeout how long
     * @return this party's arrival index
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     * @throws BrokenBarrierException if the barrier is or becomes broken, or is reset, while
     *     waiting
     * @throws TimeoutException if the timeout elapsed (the barrier breaks)
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return await0(SharedWait.nanos(timeout));
    }

    private int await0(long timeoutNanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        int generation;
        int index;
        lockInternal();
        try {
            if (isBroken()) {
                throw new BrokenBarrierException();
            }
            generation = (int) INT.getVolatile(segment, GENERATION);
            int arrived = (int) INT.getVolatile(segment, COUNT) + 1;
            index = parties - arrived;
            if (arrived == parties) {
                INT.setVolatile(segment, COUNT, 0);
                LONG.getAndBitwiseAnd(segment, RESETS, ~bit(generation));
                INT.setVolatile(segment, GENERATION, generation + 1);
                SharedWait.signalAll(segment, SEQ, SLEEPERS);
                return index;
            }
            INT.setVolatile(segment, COUNT, arrived);
        } finally {
            lock.release();
        }
        boolean opened;
        try {
            opened = SharedWait.await(segment, SEQ, SLEEPERS,
                    () -> (int) INT.getVolatile(segment, GENERATION) != generation || isBroken(), timeoutNanos);
        } catch (InterruptedException e) {
            breakIfStill(generation);
            throw e;
        }
        if ((int) INT.getVolatile(segment, GENERATION) != generation) {
            if (wasReset(generation)) {
                throw new BrokenBarrierException();
            }
            return index;
        }
        if (!opened) {
            breakIfStill(generation);
            if ((int) INT.getVolatile(segment, GENERATION) != generation && !wasReset(generation)) {
                return index; // it opened just as the timeout elapsed
            }
            throw new TimeoutException("the barrier did not open within the timeout (" + numberWaiting() + " of "
                    + parties + " parties waiting); it is now broken");
        }
        throw new BrokenBarrierException();
    }

    private static long bit(int generation) {
        return 1L << (generation & 63);
    }

    private boolean wasReset(int generation) {
        return ((long) LONG.getVolatile(segment, RESETS) & bit(generation)) != 0;
    }

    /** Breaks the barrier if it is still in {@code generation} (a waiter gave up). */
    private void breakIfStill(int generation) {
        lockInternal();
        try {
            if ((int) INT.getVolatile(segment, GENERATION) == generation) {
                INT.setVolatile(segment, BROKEN, 1);
                INT.setVolatile(segment, COUNT, 0); // its waiters all leave with BrokenBarrierException
                SharedWait.signalAll(segment, SEQ, SLEEPERS);
            }
        } finally {
            lock.release();
        }
    }

    private void lockInternal() {
        boolean interrupted = false;
        while (true) {
            try {
                lock.acquire(-1, () -> false);
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
     * Breaks the barrier: current and later waiters get {@link BrokenBarrierException} until
     * {@link #reset()}. Python's {@code abort()}.
     */
    public void abort() {
        lockInternal();
        try {
            INT.setVolatile(segment, BROKEN, 1);
            INT.setVolatile(segment, COUNT, 0);
            SharedWait.signalAll(segment, SEQ, SLEEPERS);
        } finally {
            lock.release();
        }
    }

    /**
     * Returns the barrier to its initial state; parties waiting now get
     * {@link BrokenBarrierException}.
     */
    public void reset() {
        lockInternal();
        try {
            int generation = (int) INT.getVolatile(segment, GENERATION);
            if ((int) INT.getVolatile(segment, COUNT) > 0) {
                LONG.getAndBitwiseOr(segment, RESETS, bit(generation));
            } else {
                LONG.getAndBitwiseAnd(segment, RESETS, ~bit(generation));
            }
            INT.setVolatile(segment, COUNT, 0);
            INT.setVolatile(segment, BROKEN, 0);
            INT.setVolatile(segment, GENERATION, generation + 1);
            SharedWait.signalAll(segment, SEQ, SLEEPERS);
        } finally {
            lock.release();
        }
    }

    /**
     * Whether the barrier is broken.
     *
     * @return {@code true} if broken
     */
    public boolean isBroken() {
        return (int) INT.getVolatile(segment, BROKEN) != 0;
    }

    /**
     * The number of parties needed to open the barrier.
     *
     * @return the parties
     */
    public int parties() {
        return parties;
    }

    /**
     * Parties waiting now.
     *
     * @return the count
     */
    public int numberWaiting() {
        return (int) INT.getVolatile(segment, COUNT);
    }

    /** Removes the barrier's shared memory (in the creating process; elsewhere only unmaps it). */
    @Override
    public void close() {
        SyncRegions.close(region);
    }

    @Override
    public String toString() {
        return "SharedBarrier[" + region.path().getFileName() + ", " + numberWaiting() + "/" + parties + " waiting"
                + (isBroken() ? ", broken" : "") + "]";
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new SyncRef(region.path().toString(), KIND);
    }
}
