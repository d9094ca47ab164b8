package io.github.multiprocessing4j.demos;

/**
 * A value and the wall time it took.
 *
 * @param value what the timed code returned
 * @param seconds how long it took
 * @param <T> the value's type
 */
public record Timed<T>(T value, double seconds) {

    /** Code to time. */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs.
         *
         * @return the result
         * @throws Exception on failure
         */
        T run() throws Exception;
    }

    /**
     * Runs code and measures its wall time.
     *
     * @param body the code
     * @param <T> its result type
     * @return the result and the time
     * @throws Exception what the code threw
     */
    public static <T> Timed<T> of(Body<T> body) throws Exception {
        long start = System.nanoTime();
        T value = body.run();
        return new Timed<>(value, (System.nanoTime() - start) / 1e9);
    }
}
