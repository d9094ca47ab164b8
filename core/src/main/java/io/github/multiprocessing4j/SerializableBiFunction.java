package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * A function of two arguments that can be sent to another JVM, as used by the pool's
 * {@code starmap}.
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends Serializable {
    /**
     * Applies the function.
     *
     * @param first the first argument
     * @param second the second argument
     * @return the result
     * @throws Exception anything the function throws; it reaches the caller as the cause of an
     *     {@link java.util.concurrent.ExecutionException}
     */
    R apply(T first, U second) throws Exception;
}
