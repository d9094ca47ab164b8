package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * A function of one argument that can be sent to another JVM, as used by the pool's {@code map}
 * and {@code apply}.
 *
 * <p>The function is copied to each worker with the values it captures; arguments and results are
 * copied by the codec. Unlike {@link java.util.function.Function}, {@link #apply(Object)} may throw
 * any exception, so a function that does I/O compiles without a try/catch.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {
    /**
     * Applies the function.
     *
     * @param argument the argument, a copy of the caller's object when run in another process
     * @return the result
     * @throws Exception anything the function throws; it reaches the caller as the cause of an
     *     {@link java.util.concurrent.ExecutionException}
     */
    R apply(T argument) throws Exception;
}
