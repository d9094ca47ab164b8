package io.github.multiprocessing4j.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ctx.manager()}'s namespaces, values, locks, semaphores, events and joinable queues, used
 * from workers of every backend, with interruption and a holder that dies.
 */
class ManagedObjectsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private static void joinAll(List<WorkerProcess> workers) throws InterruptedException {
        for (WorkerProcess worker : workers) {
            assertThat(worker.join(LONG)).as("worker ended").isTrue();
            assertThat(worker.exitCode()).as(worker.name() + " " + worker.failure()).hasValue(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads", "virtualThreads"})
    void aNamespaceAndAValueAreSharedAndUpdatedAtomically(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager()) {
            Namespace ns = manager.namespace();
            ManagedValue<Integer> counter = manager.value(0);
            ns.set("title", "primes");
            ns.set("nothing", null);
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                workers.add(context.process(() -> {
                    for (int i = 0; i < 100; i++) {
                        counter.updateAndGet(n -> n + 1);
                    }
                    ns.set("worker" + id, ns.<String>get("title") + "-" + id);
                }).start());
            }
            joinAll(workers);
            assertThat(counter.get()).isEqualTo(200);
            assertThat(counter.compareAndSet(199, 0)).isFalse();
            assertThat(counter.compareAndSet(200, 7)).isTrue();
            assertThat(counter.getAndSet(8)).isEqualTo(7);
            assertThat(ns.<String>get("worker1")).isEqualTo("primes-1");
            assertThat(ns.<Object>get("nothing")).isNull();
            assertThat(ns.contains("nothing")).isTrue();
            assertThat(ns.toMap()).containsKeys("title", "nothing", "worker0", "worker1").hasSize(4);
            assertThat(ns.remove("title")).isTrue();
            assertThat(ns.remove("title")).isFalse();
            assertThat(ns.getOrDefault("title", "gone")).isEqualTo("gone");
            assertThatThrownBy(() -> ns.get("title")).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("no attribute 'title'");
            try (ProcessPool pool = context.pool(2)) {
                assertThat(pool.map(x -> counter.updateAndGet(n -> n + x) > 0, List.of(1, 2, 3))).containsOnly(true);
            }
            assertThat(counter.get()).isEqualTo(14);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads", "virtualThreads"})
    void aLockMakesGetThenSetExactAndOnlyItsOwnerMayUnlockIt(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager()) {
            Lock lock = manager.lock();
            ManagedValue<Integer> value = manager.value(0);
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(context.process(() -> {
                    for (int i = 0; i < 100; i++) {
                        lock.lock();
                        try {
                            value.set(value.get() + 1); // two calls: exact only under the lock
                        } finally {
                            lock.unlock();
                        }
                    }
                }).start());
            }
            joinAll(workers);
            assertThat(value.get()).isEqualTo(200);

            assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
            lock.lock();
            assertThatThrownBy(lock::lock).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
            assertThat(lock.tryLock()).isFalse(); // Lock.tryLock: held (by this very thread), so false
            assertThat(lock.tryLock(50, TimeUnit.MILLISECONDS)).isFalse();
            AtomicReference<Object> other = new AtomicReference<>();
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    other.set(lock.tryLock(150, TimeUnit.MILLISECONDS));
                    lock.unlock(); // not the owner
                } catch (Throwable t) {
                    other.compareAndSet(Boolean.FALSE, t);
                }
            });
            thread.join();
            assertThat(other.get()).isInstanceOf(IllegalMonitorStateException.class);
            lock.unlock();
            assertThat(lock.tryLock()).isTrue();
            lock.unlock();
            assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("SharedCondition");

            Lock reentrant = manager.reentrantLock();
            reentrant.lock();
            reentrant.lock();
            reentrant.unlock();
            Thread probe = Thread.ofPlatform().start(() -> other.set(reentrant.tryLock()));
            probe.join();
            assertThat(other.get()).isEqualTo(false); // still held once
            reentrant.unlock();
            assertThat(reentrant.tryLock()).isTrue();
            reentrant.unlock();
        }
    }

    @Test
    void aLockWhoseHolderProcessIsKilledIsTakenOver() throws Exception {
        try (Context context = LocalManagerTest.context("processes"); Manager manager = context.manager()) {
            Lock lock = manager.lock();
            ManagedEvent held = manager.event();
            WorkerProcess holder = context.process(() -> {
                lock.lock();
                held.set();
                new CountDownLatch(1).await(); // holds it until killed
            }).start();
            try {
                assertThat(held.await(LONG)).isTrue();
                assertThat(lock.tryLock()).isFalse();
                holder.kill();
                assertThat(holder.join(LONG)).isTrue();
                long start = System.nanoTime();
                assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                lock.unlock();
            } finally {
                holder.kill();
                holder.join(LONG);
            }
        }
    }

    @Test
    void theSemaphorePermitsOfAKilledHolderComeBack() throws Exception {
        try (Context context = LocalManagerTest.context("processes"); Manager manager = context.manager()) {
            ManagedSemaphore bounded = manager.boundedSemaphore(3);
            ManagedEvent held = manager.event();
            assertThat(bounded.tryAcquire()).isTrue(); // the parent's permit stays the parent's
            WorkerProcess holder = context.process(() -> {
                bounded.acquire(2);
                bounded.release(); // nets 1 held, never below zero
                bounded.acquire();
                held.set();
                new CountDownLatch(1).await(); // holds 2 until killed
            }).start();
            try {
                assertThat(held.await(LONG)).isTrue();
                assertThat(bounded.availablePermits()).isZero();
                assertThat(bounded.tryAcquire(Duration.ofMillis(250))).as("the holder is alive").isFalse();
                holder.kill();
                assertThat(holder.join(LONG)).isTrue();
                long start = System.nanoTime();
                bounded.acquire(2); // both of the dead holder's permits, and no more
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                assertThat(bounded.tryAcquire()).isFalse();
                bounded.release(3);
                assertThat(bounded.availablePermits()).isEqualTo(3);
                assertThatThrownBy(bounded::release).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("released too many times");
            } finally {
                holder.kill();
                holder.join(LONG);
            }
        }
    }

    @Test
    void aPlainSemaphoreSignalsAndAConsumerThatEndsReturnsNothing() throws Exception {
        try (Context context = LocalManagerTest.context("processes"); Manager manager = context.manager()) {
            ManagedSemaphore signals = manager.semaphore(0);
            signals.release(2); // the parent signals twice
            WorkerProcess consumer = context.process(() -> {
                signals.acquire(2);
            }).start();
            assertThat(consumer.join(LONG)).isTrue();
            assertThat(consumer.exitCode()).hasValue(0);
            assertThat(signals.tryAcquire(Duration.ofMillis(300))).as("no permits invented").isFalse();
            assertThat(signals.availablePermits()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads"})
    void anInterruptedWaitTakesNothingBehindTheCallersBack(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager()) {
            Lock lock = manager.lock();
            ManagedSemaphore semaphore = manager.semaphore(0);
            ManagedJoinableQueue<String> queue = manager.joinableQueue();
            lock.lock();
            List<Object> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(3);
            List<Thread> waiters = List.of(
                    waiter(started, outcomes, () -> lock.lockInterruptibly()),
                    waiter(started, outcomes, semaphore::acquire),
                    waiter(started, outcomes, queue::take));
            started.await();
            // each waiter is inside a wait slice or between two: interrupting ends it either way
            waiters.forEach(Thread::interrupt);
            for (Thread waiter : waiters) {
                waiter.join(LONG.toMillis());
                assertThat(waiter.isAlive()).isFalse();
            }
            assertThat(outcomes).hasSize(3).allMatch(o -> o instanceof InterruptedException);
            lock.unlock();
            semaphore.release();
            queue.put("kept");
            // nothing was taken by the abandoned waits
            Thread other = Thread.ofPlatform().start(() -> outcomes.add(lock.tryLock()));
            other.join();
            assertThat(outcomes).last().isEqualTo(true);
            assertThat(semaphore.availablePermits()).isEqualTo(1);
            assertThat(queue.poll(1, TimeUnit.SECONDS)).isEqualTo("kept");
        }
    }

    private interface Wait {
        void run() throws Exception;
    }

    private static Thread waiter(CountDownLatch started, List<Object> outcomes, Wait wait) {
        return Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                wait.run();
                outcomes.add("returned");
            } catch (Exception e) {
                outcomes.add(e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads", "virtualThreads"})
    void semaphoresAndEventsCoordinateWorkers(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager()) {
            ManagedSemaphore bounded = manager.boundedSemaphore(1);
            ManagedEvent go = manager.event();
            ManagedEvent done = manager.event();
            assertThat(bounded.tryAcquire()).isTrue();
            assertThat(bounded.tryAcquire(Duration.ofMillis(150))).isFalse();
            WorkerProcess worker = context.process(() -> {
                go.await();
                bounded.release(); // the parent's permit, given back by the worker
                done.set();
            }).start();
            assertThat(done.await(Duration.ofMillis(150))).isFalse();
            go.set();
            bounded.acquire(); // until the worker releases
            assertThat(done.await(LONG)).isTrue();
            joinAll(List.of(worker));
            bounded.release();
            assertThatThrownBy(bounded::release).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("released too many times");
            assertThat(bounded.availablePermits()).isEqualTo(1);
            assertThatThrownBy(() -> bounded.acquire(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> manager.semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 0 or more");
            ManagedSemaphore plain = manager.semaphore(0);
            plain.release(3);
            assertThat(plain.availablePermits()).isEqualTo(3);
            plain.acquire(3);
            assertThat(plain.tryAcquire()).isFalse();
            go.clear();
            assertThat(go.isSet()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads"})
    void aReleasedObjectIsGoneForEveryProxy(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager();
                Manager other = context.manager()) {
            Map<String, Integer> dict = manager.dict();
            Lock lock = manager.lock();
            dict.put("a", 1);
            WorkerProcess worker = context.process(() -> dict.put("b", 2)).start();
            joinAll(List.of(worker));
            assertThat(manager.release(dict)).isTrue();
            assertThat(manager.release(dict)).isFalse();
            assertThatThrownBy(() -> dict.get("a")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("released");
            WorkerProcess late = context.process(() -> dict.size()).start();
            assertThat(late.join(LONG)).isTrue();
            assertThat(late.failure()).get().asString().contains("released");
            assertThat(manager.release(lock)).isTrue();
            assertThatThrownBy(lock::tryLock).hasMessageContaining("released");
            assertThatThrownBy(() -> other.release(manager.namespace()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a proxy returned by");
            assertThatThrownBy(() -> manager.release("not a proxy")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anEventWaiterSeesASetThatAClearUndidAtOnce() throws Exception {
        ManagedObjects.EventImpl event = new ManagedObjects.EventImpl();
        long seen = event.generation();
        event.set();
        event.clear();
        assertThat(event.await(seen, 0)).isTrue(); // as Python: a set wakes the waiters, whatever follows
        assertThat(event.await(event.generation(), 50)).isFalse();
        assertThat(event.isSet()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads", "virtualThreads"})
    void aJoinableQueueCountsTasksUntilConsumersMarkThemDone(String backend) throws Exception {
        try (Context context = LocalManagerTest.context(backend); Manager manager = context.manager()) {
            ManagedJoinableQueue<Integer> jobs = manager.joinableQueue();
            Map<Integer, Integer> squares = manager.dict();
            List<WorkerProcess> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                consumers.add(context.process(() -> {
                    while (true) {
                        int job = jobs.take();
                        try {
                            if (job < 0) {
                                return; // poison pill
                            }
                            squares.put(job, job * job);
                        } finally {
                            jobs.taskDone();
                        }
                    }
                }).start());
            }
            for (int i = 0; i < 50; i++) {
                jobs.put(i);
            }
            assertThat(jobs.join(LONG)).isTrue();
            assertThat(squares).hasSize(50).containsEntry(7, 49);
            assertThat(jobs.unfinishedTasks()).isZero();
            jobs.put(-1);
            jobs.put(-1);
            jobs.join();
            joinAll(consumers);
            assertThatThrownBy(jobs::taskDone).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("more times than elements were added");
            jobs.add(1);
            assertThat(jobs.join(Duration.ofMillis(150))).isFalse();
            CompletableFuture<Boolean> joined = CompletableFuture.supplyAsync(() -> {
                try {
                    return jobs.join(LONG);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(jobs.poll()).isEqualTo(1);
            jobs.taskDone();
            assertThat(joined.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
