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

    /** Code to time on a pool. */
    @FunctionalInterface
    public interface PoolBody<T> {
        /**
         * Runs.
         *
         * @param pool the pool
         * @return the result
         * @throws Exception on failure
         */
        T run(io.github.multiprocessing4j.ProcessPool pool) throws Exception;
    }

    /**
     * A body timed on a new pool, its start included, and again on the same, started pool.
     *
     * @param cold the first run, with the pool's start
     * @param warm the second run
     * @param <T> the result type
     */
    public record ColdAndWarm<T>(Timed<T> cold, Timed<T> warm) {
    }

    /**
     * Starts a pool and runs a body on it twice, timing the first run with the pool's start; closes
     * the pool.
     *
     * @param context where the pool runs
     * @param workers how many workers
     * @param between called between the two runs (a progress step)
     * @param body the work
     * @param <T> its result type
     * @return both timings
     * @throws Exception what the body or the pool threw
     */
    public static <T> ColdAndWarm<T> coldThenWarm(io.github.multiprocessing4j.Context context, int workers,
            Runnable between, PoolBody<T> body) throws Exception {
        io.github.multiprocessing4j.ProcessPool[] started = new io.github.multiprocessing4j.ProcessPool[1];
        try {
            Timed<T> cold = of(() -> body.run(started[0] = context.pool(workers)));
            between.run();
            return new ColdAndWarm<>(cold, of(() -> body.run(started[0])));
        } finally {
            if (started[0] != null) {
                started[0].close();
            }
        }
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
