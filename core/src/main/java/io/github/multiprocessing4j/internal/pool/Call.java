package io.github.multiprocessing4j.internal.pool;

import java.util.List;

/**
 * One call on the pool (an {@code apply}, a {@code map}, an {@code imap}, a {@code submit}): its
 * function, its undispatched work (handed out as {@link Unit}s) and where its results go.
 *
 * <p>The dispatch methods ({@link #nextSize()}, {@link #take()}, {@link #drained()}) are called
 * with the pool lock held. {@link #complete} and {@link #fail} may be called from any pool thread,
 * at most once per item (units are claimed first).
 */
abstract class Call {

    final WorkerPool pool;
    final Object function;
    final byte kind;
    final FunctionTable.Ref functionRef;
    final long timeoutNanos;

    Call(WorkerPool pool, Object function, byte kind, long timeoutNanos) {
        this.pool = pool;
        this.function = function;
        this.kind = kind;
        this.functionRef = pool.functionRef(function);
        this.timeoutNanos = timeoutNanos;
    }

    /** Whether units carry encoded arguments whose size should be counted. */
    boolean sizesArguments() {
        return functionRef != null;
    }

    /** The size of the next unit, 0 if none is available now. Pool lock held. */
    abstract int nextSize();

    /** The next unit; only after {@link #nextSize()} returned more than 0. Pool lock held. */
    abstract Unit take();

    /** Whether no more units will come from this call (retries aside). Pool lock held. */
    abstract boolean drained();

    /** Whether the call has its final outcome, so remaining work can be dropped. */
    abstract boolean isDone();

    /**
     * Delivers the results of a claimed unit.
     *
     * @param unit the unit
     * @param values its results, index 0 is the unit's first item
     * @param errors {@code null} if every item succeeded, else the failures by item
     */
    abstract void complete(Unit unit, Object[] values, Throwable[] errors);

    /**
     * Delivers the results of a claimed unit whose items all succeeded, as a packed block's
     * primitive array; a call that keeps them unboxed overrides this.
     */
    void completePacked(Unit unit, Object packed) {
        complete(unit, Wire.boxed(packed), null);
    }

    /** Fails one item of a claimed unit (its worker crashed, timed out or was cancelled). */
    final void fail(Unit unit, int index, Throwable failure) {
        Throwable[] errors = new Throwable[1];
        errors[0] = failure;
        complete(unit.slice(index, index + 1), new Object[1], errors);
    }

    /** Ends the call with {@code reason} (the pool stopped or broke); queued work is dropped. */
    abstract void abort(Throwable reason);

    /** The tasks a {@code shutdownNow} hands back for this call if it never started; else ends it. */
    List<Runnable> unstarted(Throwable reason) {
        abort(reason);
        return List.of();
    }
}
