package io.github.multiprocessing4j.manager;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The callers' side of a local manager's locks, semaphores and events. Each wait is a series of
 * calls that wait at most {@link LocalProxy#SLICE_MILLIS} in the manager, so a caller notices its
 * interruption or its deadline between slices and never leaves a wait running in the manager (an
 * interrupted acquire can therefore not take the lock behind the caller's back). Serializable as
 * references, like the other proxies.
 */
final class ManagedProxies {

    private ManagedProxies() {
    }

    /** The owner a lock records: this process and thread. */
    static String owner() {
        return ProcessHandle.current().pid() + "/" + Thread.currentThread().threadId();
    }

    /**
     * Waits in slices until {@code attempt} returns a value or {@code timeoutNanos} elapses
     * (negative, or too large to add to the clock: forever). Each attempt gets the milliseconds it
     * may wait in the manager, at most {@link LocalProxy#SLICE_MILLIS}.
     *
     * @return the first value, or null on timeout
     * @throws InterruptedException if interrupted between slices and {@code interruptible}
     *     (otherwise the interrupt is kept for the caller)
     */
    static <T> T sliced(long timeoutNanos, boolean interruptible, java.util.function.LongFunction<T> attempt)
            throws InterruptedException {
        long deadline = timeoutNanos < 0 || timeoutNanos > Long.MAX_VALUE / 4 ? Long.MAX_VALUE
                : System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true;
                }
                long remaining = deadline == Long.MAX_VALUE ? LocalProxy.SLICE_MILLIS
                        : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                T result = attempt.apply(Math.max(0, Math.min(remaining, LocalProxy.SLICE_MILLIS)));
                if (result != null) {
                    return result;
                }
                if (deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0) {
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #sliced} for attempts that succeed or not: whether one did before the timeout. */
    private static boolean until(long timeoutNanos, boolean interruptible, SliceAttempt attempt)
            throws InterruptedException {
        return sliced(timeoutNanos, interruptible, millis -> attempt.tryFor(millis) ? Boolean.TRUE : null) != null;
    }

    private interface SliceAttempt {
        boolean tryFor(long millis);
    }

    /** What the proxies share: the handler that reaches the object, and identity by object. */
    abstract static class RemoteObject implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final LocalProxy remote;

        RemoteObject(LocalProxy remote) {
            this.remote = remote;
        }

        @Override
        public String toString() {
            return remote.describe();
        }

        @Override
        public boolean equals(Object other) {
            return other != null && other.getClass() == getClass() && ((RemoteObject) other).remote.sameObject(remote);
        }

        @Override
        public int hashCode() {
            return remote.hashCode();
        }
    }

    /** A {@link Lock} whose state lives in the manager. */
    static final class LockProxy extends RemoteObject implements Lock {
        @Serial
        private static final long serialVersionUID = 1L;

        LockProxy(LocalProxy remote) {
            super(remote);
        }

        private boolean acquire(long millis) {
            return (Boolean) remote.call("acquire", "java.lang.String,long", owner(), millis);
        }

        /** A slice of {@code lock()}: fails, rather than waits, when this thread holds a non-reentrant lock. */
        private boolean acquireOrFail(long millis) {
            return acquire(-Math.max(1, millis));
        }

        @Override
        public void lock() {
            try {
                until(-1, false, this::acquireOrFail);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            until(-1, true, this::acquireOrFail);
        }

        @Override
        public boolean tryLock() {
            return acquire(0);
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return until(Math.max(0, unit.toNanos(time)), true, this::acquire);
        }

        @Override
        public void unlock() {
            remote.call("release", "java.lang.String", owner());
        }

        /**
         * Not supported: a manager lock has no conditions.
         *
         * @throws UnsupportedOperationException always
         */
        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("a manager lock has no conditions; use ctx.lock().newCondition() "
                    + "(a SharedLock and SharedCondition in shared memory) to wait across processes");
        }
    }

    /** A {@link ManagedSemaphore} whose permits live in the manager. */
    static final class SemaphoreProxy extends RemoteObject implements ManagedSemaphore {
        @Serial
        private static final long serialVersionUID = 1L;

        /** This process: the manager counts the permits each process holds. */
        private static final int PID = (int) ProcessHandle.current().pid();

        SemaphoreProxy(LocalProxy remote) {
            super(remote);
        }

        private boolean acquire(int permits, long millis) {
            return (Boolean) remote.call("acquire", "int,int,long", PID, permits, millis);
        }

        @Override
        public void acquire() throws InterruptedException {
            acquire(1);
        }

        @Override
        public void acquire(int permits) throws InterruptedException {
            positive(permits);
            until(-1, true, millis -> acquire(permits, millis));
        }

        @Override
        public boolean tryAcquire() {
            return acquire(1, 0);
        }

        @Override
        public boolean tryAcquire(Duration timeout) throws InterruptedException {
            return until(Math.max(0, LocalProxy.nanos(timeout)), true, millis -> acquire(1, millis));
        }

        @Override
        public void release() {
            release(1);
        }

        @Override
        public void release(int permits) {
            positive(permits);
            remote.call("release", "int,int", PID, permits);
        }

        private static void positive(int permits) {
            if (permits < 1) {
                throw new IllegalArgumentException("permits: " + permits + " (expected 1 or more)");
            }
        }

        @Override
        public int availablePermits() {
            return (Integer) remote.call("availablePermits", "");
        }
    }

    /** A {@link ManagedEvent} whose flag lives in the manager. */
    static final class EventProxy extends RemoteObject implements ManagedEvent {
        @Serial
        private static final long serialVersionUID = 1L;

        EventProxy(LocalProxy remote) {
            super(remote);
        }

        @Override
        public void set() {
            remote.call("set", "");
        }

        @Override
        public void clear() {
            remote.call("clear", "");
        }

        @Override
        public boolean isSet() {
            return (Boolean) remote.call("isSet", "");
        }

        @Override
        public void await() throws InterruptedException {
            long seen = (Long) remote.call("generation", "");
            until(-1, true, millis -> awaitFor(seen, millis));
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            long nanos = Math.max(0, LocalProxy.nanos(timeout));
            long seen = (Long) remote.call("generation", "");
            return until(nanos, true, millis -> awaitFor(seen, millis));
        }

        /** One slice: a set since {@code seen} counts even if a clear undid it before this slice. */
        private boolean awaitFor(long seen, long millis) {
            return (Boolean) remote.call("await", "long,long", seen, millis);
        }
    }
}
