package io.github.multiprocessing4j.manager;

import java.time.Duration;

/**
 * A flag held by a manager that processes wait for: Python's {@code manager.Event()}. Get one
 * from {@link Manager#event()}; it serializes as a reference. Waits run in slices, so they honour
 * interruption and timeouts. Thread-safe.
 */
public interface ManagedEvent {

    /** Sets the flag and wakes every waiter. */
    void set();

    /** Clears the flag. */
    void clear();

    /**
     * Whether the flag is set.
     *
     * @return {@code true} if set
     */
    boolean isSet();

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void await() throws InterruptedException;

    /**
     * Waits at most {@code timeout} until the flag is set.
     *
     * @param timeout how long to wait
     * @return {@code true} if the flag is set, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    boolean await(Duration timeout) throws InterruptedException;
}
