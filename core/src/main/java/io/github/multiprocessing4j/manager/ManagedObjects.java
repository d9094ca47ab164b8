package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.internal.ipc.ProcessLock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The objects a local {@link Manager} holds beyond maps, lists and queues, on the manager's side.
 * Locks, semaphores and events are served through the small interfaces here, which take the
 * caller's identity and a wait bound, so that a proxy waits in slices (see {@link ManagedProxies}):
 * an interrupted or dead caller never leaves a wait behind in the manager.
 */
final class ManagedObjects {

    private ManagedObjects() {
    }

    /** The manager's side of a lock: acquisition by a named owner ({@code pid/thread id}). */
    interface LockService {
        boolean acquire(String owner, long timeoutMillis) throws InterruptedException;

        void release(String owner);

        boolean isLocked();
    }

    /** The manager's side of a semaphore: permits counted per holder process ({@code pid}). */
    interface SemaphoreService {
        boolean acquire(int holder, int permits, long timeoutMillis) throws InterruptedException;

        void release(int holder, int permits);

        int availablePermits();
    }

    /** The manager's side of an event. */
    interface EventService {
        void set();

        void clear();

        boolean isSet();

        /** How many times the flag was set so far: a waiter compares it to see a set it slept through. */
        long generation();

        /**
         * Waits for the flag, or for a set after {@code seenGeneration} (a set that a clear
         * already undid still releases the waiter, as in Python).
         */
        boolean await(long seenGeneration, long timeoutMillis) throws InterruptedException;
    }

    /** A namespace: a map that keeps {@code null} values and insertion order. */
    static final class NamespaceImpl implements Namespace {
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        @Override
        @SuppressWarnings("unchecked")
        public synchronized <T> T get(String name) {
            if (!attributes.containsKey(name)) {
                throw new NoSuchElementException("the namespace has no attribute '" + name + "' (it has "
                        + attributes.keySet() + ")");
            }
            return (T) attributes.get(name);
        }

        @Override
        @SuppressWarnings("unchecked")
        public synchronized <T> T getOrDefault(String name, T fallback) {
            return attributes.containsKey(name) ? (T) attributes.get(name) : fallback;
        }

        @Override
        public synchronized void set(String name, Object value) {
            Objects.requireNonNull(name, "name");
            attributes.put(name, value);
        }

        @Override
        public synchronized boolean contains(String name) {
            return attributes.containsKey(name);
        }

        @Override
        public synchronized boolean remove(String name) {
            if (!attributes.containsKey(name)) {
                return false;
            }
            attributes.remove(name);
            return true;
        }

        @Override
        public synchronized Map<String, Object> toMap() {
            return new LinkedHashMap<>(attributes);
        }
    }

    /** An unbounded queue counting unfinished tasks; every way in counts one. */
    static final class JoinableImpl<E> extends LinkedBlockingQueue<E> implements ManagedJoinableQueue<E> {
        private static final long serialVersionUID = 1L;
        private final AtomicLong unfinished = new AtomicLong();
        private final transient ReentrantLock guard = new ReentrantLock();
        private final transient Condition allDone = guard.newCondition();

        @Override
        public boolean offer(E element) {
            unfinished.incrementAndGet(); // before the element is visible: join cannot pass it
            boolean added = false;
            try {
                added = super.offer(element);
                return added;
            } finally {
                if (!added) {
                    finished(1);
                }
            }
        }

        @Override
        public boolean offer(E element, long timeout, TimeUnit unit) throws InterruptedException {
            return offer(element); // unbounded: never waits
        }

        @Override
        public void put(E element) {
            offer(element);
        }

        @Override
        public void taskDone() {
            long left = unfinished.decrementAndGet();
            if (left < 0) {
                unfinished.incrementAndGet();
                throw new IllegalStateException("taskDone() called more times than elements were added");
            }
            if (left == 0) {
                signalDone();
            }
        }

        private void finished(int count) {
            if (unfinished.addAndGet(-count) == 0) {
                signalDone();
            }
        }

        private void signalDone() {
            guard.lock();
            try {
                allDone.signalAll();
            } finally {
                guard.unlock();
            }
        }

        @Override
        public void join() throws InterruptedException {
            while (!join(Duration.ofDays(1))) {
                // wait again
            }
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            long remaining = timeout.toNanos();
            guard.lockInterruptibly();
            try {
                while (unfinished.get() > 0) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = allDone.awaitNanos(remaining);
                }
                return true;
            } finally {
                guard.unlock();
            }
        }

        @Override
        public long unfinishedTasks() {
            return unfinished.get();
        }
    }

    /**
     * A lock owned by {@code pid/thread}: released only by its owner, taken over from an owner
     * whose process has died (checked at least every {@link #LIVENESS_NANOS} while someone waits).
     */
    static final class LockImpl implements LockService {
        static final long LIVENESS_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        private final boolean reentrant;
        private final ReentrantLock guard = new ReentrantLock();
        private final Condition free = guard.newCondition();
        private String owner;
        private int holds;

        LockImpl(boolean reentrant) {
            this.reentrant = reentrant;
        }

        /**
         * @param timeoutMillis how long to wait; negative for one slice of a {@code lock()}, which
         *     fails on a non-reentrant lock this owner holds instead of returning {@code false}
         */
        @Override
        public boolean acquire(String who, long timeoutMillis) throws InterruptedException {
            Objects.requireNonNull(who, "owner");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.abs(timeoutMillis));
            guard.lockInterruptibly();
            try {
                while (true) {
                    if (owner == null || !ownerAlive()) {
                        owner = who; // free, or left behind by a process that died holding it
                        holds = 1;
                        return true;
                    }
                    if (owner.equals(who)) {
                        if (!reentrant) {
                            if (timeoutMillis >= 0) {
                                return false; // a try, as Lock.tryLock: held, by this very thread
                            }
                            throw new IllegalStateException("the lock is already held by this thread (it is not "
                                    + "reentrant; use manager.reentrantLock())");
                        }
                        if (holds == Integer.MAX_VALUE) {
                            throw new IllegalStateException("maximum hold count of a reentrant lock exceeded");
                        }
                        holds++;
                        return true;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    free.awaitNanos(Math.min(remaining, LIVENESS_NANOS));
                }
            } finally {
                guard.unlock();
            }
        }

        private boolean ownerAlive() {
            int slash = owner.indexOf('/');
            try {
                return ProcessLock.isAlive(Integer.parseInt(owner.substring(0, slash)));
            } catch (RuntimeException malformed) {
                return true;
            }
        }

        @Override
        public void release(String who) {
            guard.lock();
            try {
                if (owner == null || !owner.equals(who)) {
                    throw new IllegalMonitorStateException("the lock is not held by this thread");
                }
                if (--holds == 0) {
                    owner = null;
                    free.signalAll();
                }
            } finally {
                guard.unlock();
            }
        }

        @Override
        public boolean isLocked() {
            guard.lock();
            try {
                return owner != null;
            } finally {
                guard.unlock();
            }
        }
    }

    /**
     * Permits, bounded by the initial count for a bounded semaphore. A bounded semaphore guards a
     * resource, so it counts what each process holds (acquired minus released, never below zero,
     * never above the bound); when a waiter finds too few permits, the permits of holders that
     * died come back (checked at most every {@link #SCAN_NANOS}). A plain semaphore keeps no
     * accounts: it is also used to signal, one process releasing what another acquires, and
     * returning a consumer's acquisitions when it ends would invent permits.
     */
    static final class SemaphoreImpl implements SemaphoreService {
        static final long SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        /** How many reclaimed process ids are remembered, to ignore a release they sent before dying. */
        private static final int REMEMBERED = 1024;
        private final int bound;
        private final ReentrantLock guard = new ReentrantLock();
        private final Condition released = guard.newCondition();
        /** Permits held, by process id, for a bounded semaphore; guarded by {@link #guard}. */
        private final Map<Integer, Integer> held = new HashMap<>();
        /** Processes whose permits came back; guarded by {@link #guard}. */
        private final Set<Integer> reclaimed = new LinkedHashSet<>();
        private long lastScan = System.nanoTime() - SCAN_NANOS;
        private int permits;

        SemaphoreImpl(int permits, boolean bounded) {
            if (permits < 0) {
                throw new IllegalArgumentException("permits: " + permits + " (expected 0 or more)");
            }
            this.permits = permits;
            this.bound = bounded ? permits : -1;
        }

        @Override
        public boolean acquire(int holder, int count, long timeoutMillis) throws InterruptedException {
            positive(count);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
            guard.lockInterruptibly();
            try {
                while (permits < count) {
                    if (reclaimDead()) {
                        continue;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    released.awaitNanos(Math.min(remaining, LockImpl.LIVENESS_NANOS));
                }
                permits -= count;
                if (bound >= 0) {
                    forgetIfAlive(holder);
                    held.merge(holder, count, (a, b) -> (int) Math.min(bound, (long) a + b));
                }
                return true;
            } finally {
                guard.unlock();
            }
        }

        /** Gives back the permits of holders that died; true if any came back. At most every {@link #SCAN_NANOS}. */
        private boolean reclaimDead() {
            long now = System.nanoTime();
            if (held.isEmpty() || now - lastScan < SCAN_NANOS) {
                return false;
            }
            lastScan = now;
            long back = 0;
            for (var it = held.entrySet().iterator(); it.hasNext();) {
                var entry = it.next();
                if (!ProcessLock.isAlive(entry.getKey())) {
                    back += entry.getValue();
                    it.remove();
                    remember(entry.getKey());
                }
            }
            if (back == 0) {
                return false;
            }
            permits = (int) Math.min(bound, permits + back);
            released.signalAll();
            return true;
        }

        private void remember(int pid) {
            reclaimed.add(pid);
            if (reclaimed.size() > REMEMBERED) {
                var oldest = reclaimed.iterator();
                oldest.next();
                oldest.remove();
            }
        }

        /** A call from a process whose permits were reclaimed: false if it is dead (a call it sent before dying). */
        private boolean forgetIfAlive(int holder) {
            if (!reclaimed.contains(holder)) {
                return true;
            }
            if (ProcessLock.isAlive(holder)) {
                reclaimed.remove(holder); // its id was reused by a new process
                return true;
            }
            return false;
        }

        @Override
        public void release(int holder, int count) {
            positive(count);
            guard.lock();
            try {
                if (bound >= 0 && !forgetIfAlive(holder)) {
                    return; // sent before its sender died, whose permits already came back
                }
                if (bound >= 0 && (long) permits + count > bound) {
                    throw new IllegalStateException("released too many times: a bounded semaphore of " + bound
                            + " permits has " + permits + " free");
                }
                if ((long) permits + count > Integer.MAX_VALUE) {
                    throw new IllegalStateException("permit count overflow");
                }
                permits += count;
                Integer holds = held.get(holder);
                if (holds != null) {
                    if (holds > count) {
                        held.put(holder, holds - count);
                    } else {
                        held.remove(holder);
                    }
                }
                released.signalAll();
            } finally {
                guard.unlock();
            }
        }

        private static void positive(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("permits: " + count + " (expected 1 or more)");
            }
        }

        @Override
        public int availablePermits() {
            guard.lock();
            try {
                return permits;
            } finally {
                guard.unlock();
            }
        }
    }

    /** A flag, a count of sets and the waiters for them. */
    static final class EventImpl implements EventService {
        private final ReentrantLock guard = new ReentrantLock();
        private final Condition changed = guard.newCondition();
        private boolean flag;
        private long generation;

        @Override
        public void set() {
            guard.lock();
            try {
                flag = true;
                generation++;
                changed.signalAll();
            } finally {
                guard.unlock();
            }
        }

        @Override
        public void clear() {
            guard.lock();
            try {
                flag = false;
            } finally {
                guard.unlock();
            }
        }

        @Override
        public boolean isSet() {
            guard.lock();
            try {
                return flag;
            } finally {
                guard.unlock();
            }
        }

        @Override
        public long generation() {
            guard.lock();
            try {
                return generation;
            } finally {
                guard.unlock();
            }
        }

        @Override
        public boolean await(long seenGeneration, long timeoutMillis) throws InterruptedException {
            long remaining = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
            guard.lockInterruptibly();
            try {
                while (!flag && generation == seenGeneration) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
                return true;
            } finally {
                guard.unlock();
            }
        }
    }

    /** One value; every method is atomic. */
    static final class ValueImpl<T> implements ManagedValue<T> {
        private T value;

        ValueImpl(T initial) {
            this.value = initial;
        }

        @Override
        public synchronized T get() {
            return value;
        }

        @Override
        public synchronized void set(T newValue) {
            value = newValue;
        }

        @Override
        public synchronized T getAndSet(T newValue) {
            T old = value;
            value = newValue;
            return old;
        }

        @Override
        public synchronized boolean compareAndSet(T expected, T newValue) {
            if (!Objects.equals(value, expected)) {
                return false;
            }
            value = newValue;
            return true;
        }

        @Override
        public synchronized T updateAndGet(SerializableFunction<T, T> update) {
            Objects.requireNonNull(update, "update");
            try {
                value = update.apply(value);
                return value;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the update function failed: " + e, e);
            }
        }
    }
}
