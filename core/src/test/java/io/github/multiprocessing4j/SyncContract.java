package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the locks, semaphores, events, conditions, barriers, shared values, arrays and
 * shared memory, run against every backend by a small subclass each. Workers reach the objects by
 * capturing them, as users do.
 */
abstract class SyncContract {

    static final Duration LONG_WAIT = Duration.ofSeconds(30);

    Context context;

    abstract Context newContext();

    @BeforeEach
    void openContext() {
        context = newContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private static void joinOk(List<WorkerProcess> workers) throws InterruptedException {
        for (WorkerProcess worker : workers) {
            worker.join();
            assertThat(worker.exitCode()).as(worker.toString()).hasValue(0);
        }
    }

    // ------------------------------------------------------------------ locks

    @Test
    void aLockMakesCompoundUpdatesFromSeveralWorkersExact() throws Exception {
        SharedLong counter = context.sharedLong(0);
        SharedLock lock = context.lock();
        SharedEvent go = context.event();
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(context.process(() -> {
                go.await();
                for (int i = 0; i < 2_000; i++) {
                    lock.lock();
                    try {
                        counter.set(counter.get() + 1);
                    } finally {
                        lock.unlock();
                    }
                }
            }).start());
        }
        go.set();
        joinOk(workers);
        assertThat(counter.get()).isEqualTo(6_000);
    }

    @Test
    void aLockIsHeldByOneThreadAndRejectsMisuse() throws Exception {
        SharedLock lock = context.lock();
        assertThat(lock.isReentrant()).isFalse();
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.ownerPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(lock.previousOwnerDied()).isFalse();
        assertThatThrownBy(lock::lock).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
        // another process cannot take it meanwhile
        SharedEvent tried = context.event();
        SharedInt outcome = context.sharedInt(-1);
        WorkerProcess other = context.process(() -> {
            outcome.set(lock.tryLock(50, TimeUnit.MILLISECONDS) ? 1 : 0);
            tried.set();
        }).start();
        assertThat(tried.await(LONG_WAIT)).isTrue();
        assertThat(outcome.get()).isZero();
        lock.unlock();
        other.join();
        assertThat(lock.isLocked()).isFalse();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(lock::fencingToken).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void fencingTokensGrowWithEveryAcquisitionInAnyProcess() throws Exception {
        SharedLock lock = context.lock();
        lock.lock();
        long first = lock.fencingToken();
        lock.unlock();
        SharedLong seen = context.sharedLong(0);
        WorkerProcess worker = context.process(() -> {
            lock.lock();
            try {
                seen.set(lock.fencingToken());
            } finally {
                lock.unlock();
            }
        }).start();
        worker.join();
        assertThat(worker.exitCode()).hasValue(0);
        lock.lock();
        long third = lock.fencingToken();
        lock.unlock();
        assertThat(seen.get()).isGreaterThan(first);
        assertThat(third).isGreaterThan(seen.get());
    }

    @Test
    void aReentrantLockCountsHolds() throws Exception {
        SharedLock lock = context.reentrantLock();
        assertThat(lock.isReentrant()).isTrue();
        lock.lock();
        lock.lock();
        long token = lock.fencingToken();
        lock.unlock();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(lock.fencingToken()).as("one acquisition, one token").isEqualTo(token);
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void aWaitingLockerHonoursInterruption() throws Exception {
        SharedLock lock = context.lock();
        lock.lock();
        try {
            List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    lock.lockInterruptibly();
                    lock.unlock();
                } catch (Throwable t) {
                    thrown.add(t);
                }
            });
            waiter.interrupt(); // before or during the wait: either way it ends it
            waiter.join(LONG_WAIT.toMillis());
            assertThat(waiter.isAlive()).isFalse();
            assertThat(thrown).singleElement().isInstanceOf(InterruptedException.class);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ conditions

    @Test
    void aConditionWakesAWaiterInAnotherProcess() throws Exception {
        SharedLock lock = context.lock();
        SharedCondition ready = lock.newCondition();
        SharedLong stock = context.sharedLong(0);
        SharedLong taken = context.sharedLong(0);
        WorkerProcess consumer = context.process(() -> {
            lock.lock();
            try {
                while (stock.get() == 0) {
                    ready.await();
                }
                taken.set(stock.getAndSet(0));
            } finally {
                lock.unlock();
            }
        }).start();
        org.awaitility.Awaitility.await().atMost(LONG_WAIT).until(() -> ready.waiting() == 1);
        lock.lock();
        try {
            stock.set(42);
            ready.signal();
        } finally {
            lock.unlock();
        }
        consumer.join();
        assertThat(consumer.exitCode()).hasValue(0);
        assertThat(taken.get()).isEqualTo(42);
        assertThat(ready.waiting()).isZero();
    }

    @Test
    void aConditionWaitTimesOutHoldingTheLockAgain() throws Exception {
        SharedLock lock = context.reentrantLock();
        SharedCondition never = lock.newCondition();
        lock.lock();
        lock.lock();
        try {
            long start = System.nanoTime();
            assertThat(never.await(Duration.ofMillis(50))).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isHeldByCurrentThread()).as("both holds were restored").isTrue();
        lock.unlock();
        assertThatThrownBy(never::signal).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(never::await).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void signalAllWakesEveryWaiter() throws Exception {
        SharedLock lock = context.lock();
        SharedCondition open = lock.newCondition();
        SharedInt gate = context.sharedInt(0);
        SharedInt through = context.sharedInt(0);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(context.process(() -> {
                lock.lock();
                try {
                    while (gate.get() == 0) {
                        open.await();
                    }
                    through.incrementAndGet();
                } finally {
                    lock.unlock();
                }
            }).start());
        }
        org.awaitility.Awaitility.await().atMost(LONG_WAIT).until(() -> open.waiting() == 3);
        lock.lock();
        try {
            gate.set(1);
            open.signalAll();
        } finally {
            lock.unlock();
        }
        joinOk(workers);
        assertThat(through.get()).isEqualTo(3);
    }

    @Test
    void signalsOneAtATimeReachEveryWaiter() throws Exception {
        SharedLock lock = context.lock();
        SharedCondition more = lock.newCondition();
        SharedInt tickets = context.sharedInt(0);
        SharedInt served = context.sharedInt(0);
        int waiters = 4;
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < waiters; w++) {
            workers.add(context.process(() -> {
                lock.lock();
                try {
                    while (tickets.get() == 0) {
                        more.await();
                    }
                    tickets.decrementAndGet();
                    served.incrementAndGet();
                } finally {
                    lock.unlock();
                }
            }).start());
        }
        for (int i = 0; i < waiters; i++) {
            lock.lock();
            try {
                tickets.incrementAndGet();
                more.signal();
            } finally {
                lock.unlock();
            }
        }
        joinOk(workers);
        assertThat(served.get()).isEqualTo(waiters);
        assertThat(tickets.get()).isZero();
    }

    // ------------------------------------------------------------------ semaphores

    @Test
    void aSemaphoreBoundsConcurrencyAcrossProcesses() throws Exception {
        SharedSemaphore slots = context.semaphore(2);
        SharedInt inside = context.sharedInt(0);
        SharedInt most = context.sharedInt(0);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(context.process(() -> {
                for (int i = 0; i < 200; i++) {
                    slots.acquire();
                    try {
                        int now = inside.incrementAndGet();
                        most.updateAndGet(m -> Math.max(m, now));
                        inside.decrementAndGet();
                    } finally {
                        slots.release();
                    }
                }
            }).start());
        }
        joinOk(workers);
        assertThat(most.get()).isBetween(1, 2);
        assertThat(slots.availablePermits()).isEqualTo(2);
    }

    @Test
    void semaphoresTimeOutAndABoundedOneRejectsOverRelease() throws Exception {
        SharedSemaphore plain = context.semaphore(0);
        assertThat(plain.isBounded()).isFalse();
        assertThat(plain.tryAcquire()).isFalse();
        assertThat(plain.tryAcquire(Duration.ofMillis(30))).isFalse();
        plain.release(3);
        assertThat(plain.tryAcquire(2, Duration.ZERO)).isTrue();
        assertThat(plain.availablePermits()).isEqualTo(1);

        SharedSemaphore bounded = context.boundedSemaphore(1);
        assertThat(bounded.isBounded()).isTrue();
        assertThatThrownBy(bounded::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released too many times");
        assertThat(bounded.availablePermits()).as("nothing was released").isEqualTo(1);
        bounded.acquire();
        bounded.release();
        assertThatThrownBy(() -> context.semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits: -1");
        assertThatThrownBy(() -> plain.acquire(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ events

    @Test
    void anEventReleasesEveryWaiter() throws Exception {
        SharedEvent go = context.event();
        SharedInt started = context.sharedInt(0);
        assertThat(go.isSet()).isFalse();
        assertThat(go.await(Duration.ofMillis(20))).isFalse();
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(context.process(() -> {
                go.await();
                started.incrementAndGet();
            }).start());
        }
        assertThat(started.get()).isZero();
        go.set();
        joinOk(workers);
        assertThat(started.get()).isEqualTo(3);
        assertThat(go.await(Duration.ZERO)).isTrue();
        assertThat(go.await(Duration.ofSeconds(Long.MAX_VALUE))).as("a huge timeout is forever, not an error").isTrue();
        go.clear();
        assertThat(go.isSet()).isFalse();
    }

    // ------------------------------------------------------------------ barriers

    @Test
    void aBarrierOpensWhenAllPartiesArriveAndIsCyclic() throws Exception {
        SharedBarrier barrier = context.barrier(3);
        SharedIntArray indices = context.intArray(4);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int slot = w;
            workers.add(context.process(() -> {
                indices.set(slot, barrier.await(LONG_WAIT));
                barrier.await(LONG_WAIT); // a second round
            }).start());
        }
        indices.set(2, barrier.await(LONG_WAIT));
        barrier.await(LONG_WAIT);
        joinOk(workers);
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            distinct.add(indices.get(i));
        }
        assertThat(distinct).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(barrier.parties()).isEqualTo(3);
        assertThat(barrier.numberWaiting()).isZero();
    }

    @Test
    void aBarrierTimeoutBreaksItUntilReset() throws Exception {
        SharedBarrier barrier = context.barrier(2);
        assertThatThrownBy(() -> barrier.await(Duration.ofMillis(30))).isInstanceOf(TimeoutException.class);
        assertThat(barrier.isBroken()).isTrue();
        assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        WorkerProcess other = context.process(() -> barrier.await(LONG_WAIT)).start();
        assertThat(barrier.await(LONG_WAIT)).isBetween(0, 1);
        other.join();
        assertThat(other.exitCode()).hasValue(0);
    }

    @Test
    void resettingABarrierBreaksItsWaiters() throws Exception {
        SharedBarrier barrier = context.barrier(3);
        SharedInt outcome = context.sharedInt(0);
        WorkerProcess waiter = context.process(() -> {
            try {
                barrier.await(LONG_WAIT);
                outcome.set(1);
            } catch (BrokenBarrierException e) {
                outcome.set(2);
            }
        }).start();
        org.awaitility.Awaitility.await().atMost(LONG_WAIT).until(() -> barrier.numberWaiting() == 1);
        barrier.reset();
        waiter.join();
        assertThat(outcome.get()).isEqualTo(2);
        assertThat(barrier.isBroken()).isFalse();
        assertThatThrownBy(() -> context.barrier(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ values and arrays

    @Test
    void sharedValuesAreAtomic() throws Exception {
        SharedLong total = context.sharedLong(5);
        SharedInt count = context.sharedInt(0);
        SharedDouble sum = context.sharedDouble(0.5);
        SharedEvent go = context.event();
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(context.process(() -> {
                go.await();
                for (int i = 0; i < 5_000; i++) {
                    total.addAndGet(2);
                    count.incrementAndGet();
                    sum.addAndGet(1.0);
                }
            }).start());
        }
        go.set();
        joinOk(workers);
        assertThat(total.get()).isEqualTo(5 + 2 * 2 * 5_000);
        assertThat(count.get()).isEqualTo(10_000);
        assertThat(sum.get()).isEqualTo(10_000.5);
        assertThat(total.compareAndSet(0, 1)).isFalse();
        assertThat(total.compareAndSet(20_005, 1)).isTrue();
        assertThat(total.getAndSet(7)).isEqualTo(1);
        assertThat(total.updateAndGet(v -> v * 3)).isEqualTo(21);
        assertThat(count.decrementAndGet()).isEqualTo(9_999);
        assertThat(sum.getAndSet(-1.25)).isEqualTo(10_000.5);
        assertThat(sum.compareAndSet(-1.25, 3.0)).isTrue();
        assertThat(sum).hasToString("3.0");
    }

    @Test
    void sharedArraysAreSeenByEveryProcess() throws Exception {
        SharedLongArray longs = context.longArray(100);
        SharedIntArray ints = context.intArray(10);
        SharedDoubleArray doubles = context.doubleArray(10);
        SharedByteArray bytes = context.byteArray(1000);
        WorkerProcess worker = context.process(() -> {
            for (int i = 0; i < longs.length(); i++) {
                longs.set(i, i * 1_000_000_000_000L);
            }
            ints.incrementAndGet(3);
            ints.addAndGet(3, 10);
            doubles.addAndGet(9, 2.5);
            byte[] pattern = new byte[1000];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) i;
            }
            bytes.copyFrom(pattern, 0, 0, pattern.length);
        }).start();
        worker.join();
        assertThat(worker.exitCode()).hasValue(0);
        assertThat(longs.get(99)).isEqualTo(99_000_000_000_000L);
        assertThat(longs.toArray()).hasSize(100).startsWith(0L, 1_000_000_000_000L);
        assertThat(ints.get(3)).isEqualTo(11);
        assertThat(ints.compareAndSet(3, 11, 12)).isTrue();
        assertThat(ints.getAndAdd(3, 1)).isEqualTo(12);
        assertThat(doubles.get(9)).isEqualTo(2.5);
        assertThat(bytes.get(999)).isEqualTo((byte) 999);
        long[] part = new long[3];
        longs.copyTo(10, part, 0, 3);
        assertThat(part).containsExactly(10_000_000_000_000L, 11_000_000_000_000L, 12_000_000_000_000L);
        assertThat(bytes.asSegment().get(ValueLayout.JAVA_BYTE, 5)).isEqualTo((byte) 5);
        assertThatThrownBy(() -> longs.get(100)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ints.set(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bytes.copyTo(990, new byte[20], 0, 20)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> context.longArray(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length: -1");
        assertThat(context.intArray(0).toArray()).isEmpty();
    }

    @Test
    void aValuesLockTravelsWithIt() throws Exception {
        SharedLong balance = context.sharedLong(0);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(context.process(() -> {
                for (int i = 0; i < 1_000; i++) {
                    balance.lock().lock();
                    try {
                        balance.set(balance.get() + 1);
                    } finally {
                        balance.lock().unlock();
                    }
                }
            }).start());
        }
        joinOk(workers);
        assertThat(balance.get()).isEqualTo(2_000);
        assertThat(balance.lock()).isSameAs(balance.lock());
    }

    // ------------------------------------------------------------------ shared memory

    @Test
    void sharedMemoryIsAttachedByName() throws Exception {
        SharedMemory block = context.sharedMemory(1 << 20);
        assertThat(block.isOwner()).isTrue();
        assertThat(block.byteSize()).isEqualTo(1 << 20);
        String name = block.name();
        try (SharedMemory again = SharedMemory.attach(name)) {
            assertThat(again.isOwner()).isFalse();
            again.segment().set(ValueLayout.JAVA_INT, 0, 1234); // one mapping: the owner sees it
        }
        assertThat(block.segment().get(ValueLayout.JAVA_INT, 0)).as("closing another handle keeps ours").isEqualTo(1234);
        WorkerProcess worker = context.process(() -> {
            try (SharedMemory same = SharedMemory.attach(name)) {
                int seen = same.segment().get(ValueLayout.JAVA_INT, 0);
                same.segment().set(ValueLayout.JAVA_INT, (1 << 20) - 4, seen + 1);
            }
        }).start();
        worker.join();
        assertThat(worker.exitCode()).hasValue(0);
        assertThat(block.segment().get(ValueLayout.JAVA_INT, (1 << 20) - 4)).isEqualTo(1235);
        assertThatThrownBy(() -> SharedMemory.attach("/etc/passwd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a shared memory name");
        block.close();
        assertThatThrownBy(() -> SharedMemory.attach(name)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer exists");
        assertThatThrownBy(() -> context.sharedMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void objectsMadeAfterTheContextClosedAreRefused() {
        context.close();
        assertThatThrownBy(() -> context.lock()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> context.sharedLong(1)).isInstanceOf(IllegalStateException.class);
    }
}
