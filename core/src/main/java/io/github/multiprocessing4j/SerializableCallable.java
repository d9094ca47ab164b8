package io.github.multiprocessing4j;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to another JVM: a task with a result.
 *
 * <p>A lambda or method reference assigned to this type is compiled as a serializable lambda, so
 * it can be copied to a worker JVM together with the values it captures. Everything it captures
 * must itself be serializable by the context's codec; the result is copied back the same way.
 *
 * @param <V> the result type
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {
    /**
     * Computes the result.
     *
     * @return the result, copied back to the caller
     * @throws Exception anything the task throws; it reaches the caller as the cause of an
     *     {@link java.util.concurrent.ExecutionException}
     */
    @Override
    V call() throws Exception;
}
