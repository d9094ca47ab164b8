package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Locks and semaphores across real processes: the lost-update race of the 2020 talk, and holders
 * killed with SIGKILL while holding a lock or permits.
 */
class ProcessSyncFailureTest {

    private Context context;

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
    }

    @AfterEach
    void close() {
        context.close();
    }

    /** Two processes add one {@code n} times each, started together; returns the final value. */
    private long race(SharedLong counter, String mode, int n) throws Exception {
        SharedBarrier start = context.barrier(2);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(context.process(() -> {
                start.await(Duration.ofSeconds(60));
                for (int i = 0; i < n; i++) {
                    switch (mode) {
                        case "unlocked" -> counter.set(counter.get() + 1); // Python's v.value += 1
                        case "locked" -> {
                            counter.lock().lock();
                            try {
                                counter.set(counter.get() + 1);
                            } finally {
                                counter.lock().unlock();
                            }
                        }
                        default -> counter.incrementAndGet();
                    }
                }
            }).start());
        }
        for (WorkerProcess worker : workers) {
            worker.join();
            assertThat(worker.exitCode()).hasValue(0);
        }
        return counter.get();
    }

    @Test
    void theLostUpdateRaceLosesUpdatesWithoutTheLockAndNoneWithIt() throws Exception {
        int n = 2_000_000;
        long unlocked = race(context.sharedLong(0), "unlocked", n);
        assertThat(unlocked).as("two processes doing get-then-set lose updates").isLessThan(2L * n);
        assertThat(race(context.sharedLong(0), "locked", 20_000)).isEqualTo(40_000);
        assertThat(race(context.sharedLong(0), "atomic", n)).isEqualTo(2L * n);
    }

    @Test
    void aLockWhoseHolderIsKilledPassesToTheNextWaiterWithinASecond() throws Exception {
        SharedLock lock = context.lock();
        SharedEvent held = context.event();
        WorkerProcess holder = context.process(() -> {
            lock.lock();
            held.set();
            new CountDownLatch(1).await(); // hold it until killed
        }).start();
        assertThat(held.await(Duration.ofSeconds(60))).isTrue();
        assertThat(lock.ownerPid()).isEqualTo(holder.pid().orElseThrow());
        holder.kill(); // SIGKILL while holding the lock
        holder.join();
        long start = System.nanoTime();
        assertThat(lock.tryLock(5, TimeUnit.SECONDS)).isTrue();
        long waited = System.nanoTime() - start;
        try {
            assertThat(waited).as("takeover delay").isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(lock.previousOwnerDied()).isTrue();
            assertThat(lock.fencingToken()).as("the dead holder had token 1").isEqualTo(2);
        } finally {
            lock.unlock();
        }
        // and a normal acquisition afterwards says so
        lock.lock();
        try {
            assertThat(lock.previousOwnerDied()).isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aWaiterBlockedOnAKilledHoldersLockIsWokenWithinASecond() throws Exception {
        SharedLock lock = context.lock();
        SharedEvent held = context.event();
        SharedLong recovered = context.sharedLong(-1);
        WorkerProcess holder = context.process(() -> {
            lock.lock();
            held.set();
            new CountDownLatch(1).await();
        }).start();
        assertThat(held.await(Duration.ofSeconds(60))).isTrue();
        WorkerProcess waiter = context.process(() -> {
            lock.lock(); // blocks until the holder is gone
            try {
                recovered.set(lock.previousOwnerDied() ? 1 : 0);
            } finally {
                lock.unlock();
            }
        }).start();
        holder.kill(); // the waiter is starting or already waiting: it must take over either way
        long killed = System.nanoTime();
        waiter.join(Duration.ofSeconds(30));
        assertThat(waiter.exitCode()).hasValue(0);
        assertThat(recovered.get()).isEqualTo(1);
        // includes the waiter's exit; the takeover itself is the part bounded by the liveness slice
        assertThat(System.nanoTime() - killed).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void permitsOfAKilledProcessComeBack() throws Exception {
        SharedSemaphore slots = context.boundedSemaphore(2);
        SharedEvent taken = context.event();
        WorkerProcess holder = context.process(() -> {
            slots.acquire(2);
            taken.set();
            new CountDownLatch(1).await();
        }).start();
        assertThat(taken.await(Duration.ofSeconds(60))).isTrue();
        assertThat(slots.availablePermits()).isZero();
        assertThat(slots.tryAcquire()).isFalse();
        holder.kill();
        holder.join();
        long start = System.nanoTime();
        assertThat(slots.tryAcquire(2, Duration.ofSeconds(5))).isTrue();
        assertThat(System.nanoTime() - start).as("recovery delay").isLessThan(TimeUnit.SECONDS.toNanos(1));
        slots.release(2);
        assertThat(slots.availablePermits()).as("no permit was made up").isEqualTo(2);
    }

    @Test
    void permitsReleasedBeforeDyingAreNotReturnedTwice() throws Exception {
        SharedSemaphore slots = context.semaphore(3);
        WorkerProcess user = context.process(() -> {
            slots.acquire(2);
            slots.release(2);
            slots.acquire();
        }).start();
        user.join(); // exits holding one permit
        assertThat(slots.tryAcquire(2, Duration.ofSeconds(5))).isTrue();
        assertThat(slots.tryAcquire(Duration.ofSeconds(5))).as("the dead process's one permit came back").isTrue();
        assertThat(slots.availablePermits()).isZero();
        assertThat(slots.tryAcquire(Duration.ofMillis(300))).isFalse();
    }
}
