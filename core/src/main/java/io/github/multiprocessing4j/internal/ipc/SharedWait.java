package io.github.multiprocessing4j.internal.ipc;

import io.github.multiprocessing4j.internal.os.Linux;
import io.github.multiprocessing4j.internal.util.Spin;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Blocking on a condition over shared memory, across processes, without burning a core.
 *
 * <h2>Protocol</h2>
 * Each waitable condition has two 32-bit words in shared memory: an event counter {@code seq}
 * (the futex word) and a {@code sleepers} flag. Before every sleep a waiter reads {@code seq},
 * sets {@code sleepers} to 1, checks its condition, and if it does not hold sleeps in
 * {@code futex_wait(seq)}. A signaller changes the state, then, only if it swaps {@code sleepers}
 * from 1 to 0, increments {@code seq} and wakes every sleeper ({@code futex_wake}). All accesses
 * are volatile (sequentially consistent), so either the waiter sees the new state or the
 * signaller sees the flag; and a wake between the waiter's read of {@code seq} and its sleep
 * changes {@code seq}, so the kernel refuses to sleep. No wake-up is lost, an idle waiter costs
 * nothing, and a stream of signals to a sleeper that is still waking up makes one system call,
 * not one each: whoever goes back to sleep sets the flag again first.
 *
 * <h2>Threads</h2>
 * A platform thread sleeps in the kernel itself, in slices of {@link #SLICE_NANOS} so that an
 * interrupt is noticed within a slice (Java cannot interrupt a native call). A virtual thread must
 * not block its carrier in a native call, so it parks instead and one platform "watcher" thread
 * per condition and JVM sleeps in the kernel for all of them and unparks them. A short spin
 * precedes every sleep, since cross-process hand-offs are often a few microseconds apart.
 *
 * <h2>Crashes</h2>
 * A process that dies while waiting leaves {@code sleepers} set; the next signaller then makes one
 * needless system call, which is harmless. Without Linux futexes (another OS), waiters poll with
 * exponential back-off up to a millisecond.
 */
public final class SharedWait {

    /** How long a platform thread sleeps in the kernel before it looks at its interrupt flag. */
    public static final long SLICE_NANOS = 20_000_000L;

    /** How long a waiter spins ({@link Spin}: busy, then yielding) before it sleeps. */
    static final long SPIN_NANOS = 50_000;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final Map<Key, Watcher> WATCHERS = new ConcurrentHashMap<>();

    private SharedWait() {
    }

    /**
     * Identifies one condition: a futex word's native address within one mapping (an address can
     * be reused by a later mapping once a region is closed).
     */
    private record Key(MemorySegment.Scope scope, long address) {
    }

    /**
     * Waits until {@code ready} holds, the timeout elapses, or the thread is interrupted.
     *
     * @param segment the segment holding the two words
     * @param seqOffset offset of the event counter (4-byte aligned)
     * @param sleepersOffset offset of the sleepers flag (4-byte aligned)
     * @param ready the condition, re-evaluated after every wake-up
     * @param timeoutNanos how long to wait; negative waits forever
     * @return {@code true} if the condition holds, {@code false} on timeout
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static boolean await(MemorySegment segment, long seqOffset, long sleepersOffset, BooleanSupplier ready,
            long timeoutNanos) throws InterruptedException {
        if (ready.getAsBoolean()) {
            return true;
        }
        if (timeoutNanos == 0) {
            return false; // a poll: no spin, no flag (which would cost the next signaller a system call)
        }
        long deadline = SharedWait.deadline(timeoutNanos);
        if (Spin.until(ready, SPIN_NANOS)) {
            return true;
        }
        if (Thread.currentThread().isVirtual() && Linux.AVAILABLE) {
            return awaitVirtual(segment, seqOffset, sleepersOffset, ready, deadline);
        }
        return awaitPlatform(segment, seqOffset, sleepersOffset, ready, deadline);
    }

    private static boolean awaitPlatform(MemorySegment segment, long seqOffset, long sleepersOffset,
            BooleanSupplier ready, long deadline) throws InterruptedException {
        long address = segment.address() + seqOffset;
        long backoff = 1_000;
        while (true) {
            // seq before the flag: a signaller that clears the flag first also bumps seq past
            // what we read, so the kernel refuses to sleep instead of leaving us to the slice
            int seq = (int) INT.getVolatile(segment, seqOffset);
            INT.setVolatile(segment, sleepersOffset, 1);
            if (ready.getAsBoolean()) {
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            if (Linux.AVAILABLE) {
                Linux.futexWait(address, seq, Math.min(remaining, SLICE_NANOS));
            } else {
                LockSupport.parkNanos(Math.min(remaining, backoff));
                backoff = Math.min(backoff * 2, 1_000_000);
            }
        }
    }

    private static boolean awaitVirtual(MemorySegment segment, long seqOffset, long sleepersOffset,
            BooleanSupplier ready, long deadline) throws InterruptedException {
        Key key = new Key(segment.scope(), segment.address() + seqOffset);
        Thread self = Thread.currentThread();
        Watcher watcher = WATCHERS.compute(key, (k, existing) -> {
            Watcher w = existing != null && existing.add(self) ? existing : null;
            if (w == null) {
                w = new Watcher(segment, seqOffset, sleepersOffset, k);
                w.add(self);
                w.start();
            }
            return w;
        });
        try {
            while (true) {
                // the flag makes the next signal bump seq, which the watcher turns into an unpark
                INT.setVolatile(segment, sleepersOffset, 1);
                if (ready.getAsBoolean()) {
                    return true;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(remaining, SLICE_NANOS));
            }
        } finally {
            watcher.remove(self);
        }
    }

    /**
     * The {@link System#nanoTime()} at which a wait of {@code timeoutNanos} ends.
     *
     * @param timeoutNanos how long; negative, or too long to add without overflow, is forever
     * @return the deadline, or {@link Long#MAX_VALUE} for forever
     */
    public static long deadline(long timeoutNanos) {
        if (timeoutNanos < 0 || timeoutNanos > Long.MAX_VALUE / 4) {
            return Long.MAX_VALUE;
        }
        return System.nanoTime() + timeoutNanos;
    }

    /**
     * A timeout in nanoseconds for the waits here: negative durations count as zero, durations too
     * long for a {@code long} of nanoseconds (about 292 years) as forever.
     *
     * @param timeout a duration
     * @return nanoseconds, or -1 for forever
     */
    public static long nanos(java.time.Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return -1;
        }
    }

    /**
     * Wakes every waiter of a condition, in every process, after its state changed. Cheap when
     * nobody waits: one volatile read.
     *
     * @param segment the segment holding the two words
     * @param seqOffset offset of the event counter
     * @param sleepersOffset offset of the sleepers flag
     */
    public static void signalAll(MemorySegment segment, long seqOffset, long sleepersOffset) {
        VarHandle.fullFence();
        if ((int) INT.getVolatile(segment, sleepersOffset) != 0 && (int) INT.getAndSet(segment, sleepersOffset, 0) != 0) {
            INT.getAndAdd(segment, seqOffset, 1);
            if (Linux.AVAILABLE) {
                Linux.futexWake(segment.address() + seqOffset, Integer.MAX_VALUE);
            }
        }
    }

    /**
     * Sleeps on one condition's futex word for the virtual threads of this JVM that wait on it, and
     * unparks them on every wake-up. Ends when none is left.
     */
    private static final class Watcher implements Runnable {
        private final MemorySegment segment;
        private final long seqOffset;
        private final long sleepersOffset;
        private final Key key;
        private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
        /** The counter when this watcher last looked; read before any waiter checks its condition. */
        private int lastSeq;
        private boolean retired;

        Watcher(MemorySegment segment, long seqOffset, long sleepersOffset, Key key) {
            this.segment = segment;
            this.seqOffset = seqOffset;
            this.sleepersOffset = sleepersOffset;
            this.key = key;
            this.lastSeq = (int) INT.getVolatile(segment, seqOffset);
        }

        /** Adds a waiter; false if this watcher already retired. Called inside WATCHERS.compute. */
        boolean add(Thread thread) {
            if (retired) {
                return false;
            }
            waiting.add(thread);
            return true;
        }

        void remove(Thread thread) {
            waiting.remove(thread);
        }

        void start() {
            Thread thread = new Thread(this, "mp4j-wait-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private boolean retireIfIdle() {
            WATCHERS.compute(key, (k, w) -> {
                if (w == this && waiting.isEmpty()) {
                    retired = true;
                    return null;
                }
                return w;
            });
            return retired;
        }

        @Override
        public void run() {
            try {
                watch();
            } catch (IllegalStateException closed) {
                // the region was closed under us (its context closed): nothing left to watch. Not
                // rethrown: an uncaught exception in a library thread alarms whoever watches for them
            } finally {
                // normally retired already; after a failure (the region was closed under us) retire
                // now, and let every waiter find out for itself
                WATCHERS.compute(key, (k, w) -> {
                    retired = true;
                    return w == this ? null : w;
                });
                waiting.forEach(LockSupport::unpark);
            }
        }

        private void watch() {
            long address = segment.address() + seqOffset;
            while (!(waiting.isEmpty() && retireIfIdle())) {
                INT.setVolatile(segment, sleepersOffset, 1);
                int seq = (int) INT.getVolatile(segment, seqOffset);
                if (seq == lastSeq) {
                    Linux.futexWait(address, seq, SLICE_NANOS);
                    seq = (int) INT.getVolatile(segment, seqOffset);
                }
                if (seq != lastSeq) {
                    // a signal arrived, perhaps before we slept: every waiter re-checks its condition
                    lastSeq = seq;
                    for (Thread thread : waiting) {
                        LockSupport.unpark(thread);
                    }
                }
            }
        }
    }
}
