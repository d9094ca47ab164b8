package io.github.multiprocessing4j.internal.ipc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A mutual-exclusion lock between processes that survives the death of its holder.
 *
 * <p>Three 32-bit words in shared memory: the owner's pid (0 when free), and the event counter
 * and sleepers flag of a {@link SharedWait}. Acquiring is a CAS from 0 to this process's pid;
 * releasing stores 0 and wakes sleepers. Threads of one JVM compete on the same word (the pid
 * then says "this process", and the object remembers which of its threads holds it); an
 * uncontended acquire and release is one CAS and one volatile store. A waiter spins briefly,
 * then sleeps in the kernel in slices of at most {@link #LIVENESS_SLICE_NANOS}; when the lock
 * stayed held for a whole slice it checks that the holder process still exists (and is not a
 * zombie), and takes the lock over from a dead holder: the acquisition then reports
 * {@link Acquired#RECOVERED} so the caller can repair what the dead holder left half done. The
 * lock is not reentrant.
 *
 * <p>A pid reused by an unrelated process while the lock is held by a dead one keeps the lock
 * held; Linux reuses pids only after the whole pid range, which makes this rare.
 */
public final class ProcessLock {

    /** How often a waiter checks that the holder is alive. */
    public static final long LIVENESS_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Bytes the lock occupies: owner, event counter, sleepers flag. */
    public static final long LENGTH = 12;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int PID = (int) ProcessHandle.current().pid();
    /** Whether /proc describes processes (Linux); elsewhere a missing entry proves nothing. */
    private static final boolean PROCFS = Files.isDirectory(Path.of("/proc/self"));

    /** How an acquisition went. */
    public enum Acquired {
        /** The lock was free or released normally. */
        NORMALLY,
        /** The lock was taken over from a process that died holding it. */
        RECOVERED,
        /** The timeout elapsed first. */
        TIMED_OUT
    }

    private final MemorySegment segment;
    private final long offset;
    /**
     * The thread of this JVM that holds the lock, or null. Read only to check that a releasing
     * thread is the holder: a thread always sees its own last write, so a plain field suffices.
     */
    private Thread holder;
    /** When a try last checked the holder's liveness (racy by design: it only rate-limits). */
    private long lastTryCheck = System.nanoTime() - LIVENESS_SLICE_NANOS;

    /**
     * A lock over {@code LENGTH} bytes at {@code offset} of {@code segment} (zeroed: free).
     *
     * @param segment shared memory
     * @param offset a 4-byte aligned offset
     */
    public ProcessLock(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
    }

    /**
     * Acquires the lock.
     *
     * @param timeoutNanos how long to wait; negative waits forever
     * @param abandon checked while waiting: when it holds, the wait ends as timed out (for a
     *     closed queue)
     * @return how it was acquired, or {@link Acquired#TIMED_OUT}
     * @throws InterruptedException if interrupted while waiting
     */
    public Acquired acquire(long timeoutNanos, BooleanSupplier abandon) throws InterruptedException {
        Thread self = Thread.currentThread();
        if (holder == self) {
            throw new IllegalStateException("the lock is already held by this thread (it is not reentrant)");
        }
        long deadline = SharedWait.deadline(timeoutNanos);
        boolean checkHolder = false;
        while (true) {
            if (INT.compareAndSet(segment, offset, 0, PID)) {
                holder = self;
                return Acquired.NORMALLY;
            }
            if (checkHolder || timeoutNanos == 0 && livenessCheckDue()) {
                // the lock stayed held for a whole slice (or this is a try): is its holder still there?
                int owner = (int) INT.getVolatile(segment, offset);
                if (owner != 0 && owner != PID && !isAlive(owner) && INT.compareAndSet(segment, offset, owner, PID)) {
                    holder = self;
                    return Acquired.RECOVERED;
                }
            }
            if (abandon.getAsBoolean()) {
                return Acquired.TIMED_OUT;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Acquired.TIMED_OUT;
            }
            checkHolder = !SharedWait.await(segment, offset + 4, offset + 8, () -> isFreeOr(abandon),
                    Math.min(remaining, LIVENESS_SLICE_NANOS));
        }
    }

    /** For tries: look at /proc at most once per slice, not on every failed try. */
    private boolean livenessCheckDue() {
        long now = System.nanoTime();
        if (now - lastTryCheck < LIVENESS_SLICE_NANOS) {
            return false;
        }
        lastTryCheck = now;
        return true;
    }

    private boolean isFreeOr(BooleanSupplier abandon) {
        return (int) INT.getVolatile(segment, offset) == 0 || abandon.getAsBoolean();
    }

    /**
     * Releases the lock held by this thread.
     *
     * @throws IllegalMonitorStateException if this thread does not hold it
     */
    public void release() {
        if (holder != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by this thread");
        }
        holder = null;
        INT.setVolatile(segment, offset, 0);
        SharedWait.signalAll(segment, offset + 4, offset + 8);
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return {@code true} if it does
     */
    public boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    /** Wakes every waiter, so that it re-checks its abandon condition. */
    public void wakeAll() {
        SharedWait.signalAll(segment, offset + 4, offset + 8);
    }

    /**
     * The pid of the process holding the lock, or 0.
     *
     * @return a pid or 0
     */
    public int owner() {
        return (int) INT.getVolatile(segment, offset);
    }

    /**
     * Whether the process exists and is not a zombie.
     *
     * @param pid a process id
     * @return {@code true} if it is running
     */
    public static boolean isAlive(int pid) {
        if (pid == PID) {
            return true;
        }
        if (!PROCFS) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
