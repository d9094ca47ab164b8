package io.github.multiprocessing4j;

import java.time.Duration;
import java.util.Objects;

/**
 * A pool task ran past its deadline: the worker running it was killed and replaced, and only this
 * task failed. It reaches callers as the cause of an {@link java.util.concurrent.ExecutionException}
 * (or {@link java.util.concurrent.CompletionException}).
 *
 * <p>The deadline is measured from the moment the task started running in a worker, not from
 * submission: time spent waiting in the pool's queue does not count.
 */
public class TaskTimeoutException extends java.util.concurrent.TimeoutException {

    private static final long serialVersionUID = 1L;

    /** The deadline that was exceeded. */
    private final Duration timeout;
    /** The worker that ran the task. */
    private final String workerName;

    /**
     * Creates the exception.
     *
     * @param workerName the worker that ran the task
     * @param timeout the deadline that was exceeded
     */
    public TaskTimeoutException(String workerName, Duration timeout) {
        super("task ran past its timeout of " + Objects.requireNonNull(timeout, "timeout").toMillis()
                + " ms on worker '" + workerName + "'; the worker was stopped and replaced");
        this.timeout = timeout;
        this.workerName = workerName;
    }

    /**
     * The deadline that was exceeded.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The name of the worker that was running the task.
     *
     * @return the worker name
     */
    public String workerName() {
        return workerName;
    }
}
