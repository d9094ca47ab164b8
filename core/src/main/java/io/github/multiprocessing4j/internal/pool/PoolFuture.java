package io.github.multiprocessing4j.internal.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The futures a pool returns: async stages default to the pool's own executor instead of the
 * common pool, and {@code cancel(true)} stops the worker running the call.
 *
 * @param <T> the result type
 */
final class PoolFuture<T> extends CompletableFuture<T> {

    private final WorkerPool pool;
    private volatile Call call;

    PoolFuture(WorkerPool pool) {
        this.pool = pool;
    }

    void bind(Call owner) {
        this.call = owner;
    }

    @Override
    public Executor defaultExecutor() {
        return pool.asyncExecutor();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new PoolFuture<>(pool);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Call owner = call;
        if (cancelled && owner != null) {
            pool.cancelled(owner, mayInterruptIfRunning);
        }
        return cancelled;
    }
}
