package io.github.multiprocessing4j.manager;

import java.time.Duration;

/**
 * A counting semaphore held by a manager: Python's {@code manager.Semaphore(n)} and
 * {@code manager.BoundedSemaphore(n)}. Get one from {@link Manager#semaphore(int)} or
 * {@link Manager#boundedSemaphore(int)}; it serializes as a reference. Waits run in slices, so
 * they honour interruption and timeouts, and an interrupted acquire never takes permits.
 *
 * <p>A bounded semaphore ({@link Manager#boundedSemaphore(int)}) guards a resource, so the manager
 * counts the permits each process holds: what it acquired minus what it released, never below
 * zero. When a process dies holding permits, a process waiting for permits gets them back within
 * about 100 ms, as with the shared-memory {@link io.github.multiprocessing4j.SharedSemaphore}; a
 * process that ends without releasing gives them back the same way. A plain semaphore
 * ({@link Manager#semaphore(int)}) keeps no accounts, as in Python, so it can signal: one process
 * releases what another acquires, and a process that dies holding permits keeps them. Thread-safe.
 */
public interface ManagedSemaphore {

    /**
     * Takes a permit, waiting as long as it takes.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void acquire() throws InterruptedException;

    /**
     * Takes {@code permits} permits at once, waiting as long as it takes.
     *
     * @param permits how many, at least 1
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalArgumentException if {@code permits} is below 1
     */
    void acquire(int permits) throws InterruptedException;

    /**
     * Takes a permit if one is free now.
     *
     * @return {@code true} if taken
     */
    boolean tryAcquire();

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return {@code true} if taken, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    boolean tryAcquire(Duration timeout) throws InterruptedException;

    /**
     * Returns a permit.
     *
     * @throws IllegalStateException for a bounded semaphore, if that would exceed its initial
     *     permits (Python's {@code ValueError})
     */
    void release();

    /**
     * Returns {@code permits} permits.
     *
     * @param permits how many, at least 1
     * @throws IllegalStateException for a bounded semaphore, if that would exceed its initial
     *     permits
     */
    void release(int permits);

    /**
     * Permits free now.
     *
     * @return the count
     */
    int availablePermits();
}
