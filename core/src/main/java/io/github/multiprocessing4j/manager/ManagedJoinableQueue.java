package io.github.multiprocessing4j.manager;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * An unbounded queue held by a manager that counts unfinished tasks: Python's
 * {@code manager.JoinableQueue()}. Every element added counts as one unfinished task until a
 * consumer calls {@link #taskDone()} for it; {@link #join()} waits until none is left. Get one
 * from {@link Manager#joinableQueue()}; it serializes as a reference. Blocking calls
 * ({@code take}, timed {@code poll}, {@code join}) wait in slices, so they honour interruption
 * without losing an element: a {@code take} interrupted while an element is on its way returns it
 * with the interrupt flag set. Thread-safe.
 *
 * @param <E> the element type (serializable)
 */
public interface ManagedJoinableQueue<E> extends BlockingQueue<E> {

    /**
     * Marks one task taken from the queue as finished (Python's {@code task_done()}).
     *
     * @throws IllegalStateException if called more times than elements were added
     */
    void taskDone();

    /**
     * Waits until every element added has been marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} until every element added has been marked done.
     *
     * @param timeout how long to wait
     * @return {@code true} if no task is unfinished, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    boolean join(Duration timeout) throws InterruptedException;

    /**
     * Elements added and not yet marked done.
     *
     * @return the count
     */
    long unfinishedTasks();
}
