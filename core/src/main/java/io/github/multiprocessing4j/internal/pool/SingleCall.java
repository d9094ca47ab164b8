package io.github.multiprocessing4j.internal.pool;

import java.util.List;

/** A call of one item: {@code apply}, {@code submit}, {@code execute}. */
final class SingleCall extends Call {

    final PoolFuture<Object> future;
    private final Object[] args;
    private final Object rawArgument;
    private boolean taken;
    private boolean fixedResult;
    private Object result;

    SingleCall(WorkerPool pool, Object function, byte kind, Object argument, long timeoutNanos) {
        super(pool, function, kind, timeoutNanos);
        this.rawArgument = argument;
        this.args = new Object[] {pool.prepare(argument, "argument")};
        this.future = new PoolFuture<>(pool);
        future.bind(this);
    }

    /** Completes with {@code value} instead of the task's result, for {@code submit(Runnable, T)}. */
    SingleCall withResult(Object value) {
        this.fixedResult = true;
        this.result = value;
        return this;
    }

    /** About how many bytes the call takes in a request: its argument and its function. */
    int encodedBytes() {
        return Wire.sizeOf(args[0]) + (functionRef == null ? 0 : functionRef.bytes().length);
    }

    @Override
    int nextSize() {
        return taken || future.isDone() ? 0 : 1;
    }

    @Override
    Unit take() {
        taken = true;
        return new Unit(this, args, 0, 1, 0);
    }

    @Override
    boolean drained() {
        return taken;
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    void complete(Unit unit, Object[] values, Throwable[] errors) {
        if (errors != null && errors[0] != null) {
            future.completeExceptionally(errors[0]);
        } else {
            future.complete(fixedResult ? result : values[0]);
        }
    }

    @Override
    void abort(Throwable reason) {
        future.completeExceptionally(reason);
    }

    @Override
    List<Runnable> unstarted(Throwable reason) {
        if (taken) {
            abort(reason);
            return List.of();
        }
        taken = true;
        return List.of(this::runHere);
    }

    /** Runs the task in the calling thread, for the tasks {@code shutdownNow} hands back. */
    private void runHere() {
        try {
            Object value = Wire.invoke(kind, function, rawArgument);
            future.complete(fixedResult ? result : value);
        } catch (Throwable t) {
            future.completeExceptionally(t);
        }
    }
}
