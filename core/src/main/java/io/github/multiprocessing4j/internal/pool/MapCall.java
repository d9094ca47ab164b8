package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.ProgressListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An eager call over a list of items ({@code map}, {@code starmap}): handed out in chunks,
 * results stored by index, the future completed with the whole list or the first failure.
 */
final class MapCall extends Call {

    final PoolFuture<List<Object>> future;
    private final Object[] args;
    /** The chunk size, or the largest chunk when {@link #spread} is set. */
    private final int chunkSize;
    /**
     * For the default chunking, four times the workers: a chunk is the items left over this, so
     * chunks shrink towards the end (guided scheduling) and the last, possibly slowest, items
     * spread over all workers instead of waiting in one worker's chunk. 0 for a fixed size.
     */
    private final int spread;
    private final MapResults results;
    private final int size;
    private final AtomicInteger remaining;
    private final ProgressListener progress;
    private int next;
    private long reported;

    /**
     * @param chunkSize the chunk size; with {@code spread}, the largest chunk
     * @param spread 0 for fixed chunks, else what the items left are divided by to size a chunk
     */
    MapCall(WorkerPool pool, Object function, byte kind, Object[] preparedArgs, int chunkSize, int spread,
            ProgressListener progress, long timeoutNanos) {
        super(pool, function, kind, timeoutNanos);
        this.args = preparedArgs;
        this.chunkSize = chunkSize;
        this.spread = spread;
        this.size = preparedArgs.length;
        this.results = new MapResults(size);
        this.remaining = new AtomicInteger(preparedArgs.length);
        this.progress = progress;
        this.future = new PoolFuture<>(pool);
        future.bind(this);
        if (preparedArgs.length == 0) {
            future.complete(List.of());
        }
    }

    @Override
    int nextSize() {
        return future.isDone() ? 0 : chunk();
    }

    private int chunk() {
        int left = args.length - next;
        if (spread > 0) {
            return Math.min(chunkSize, Math.max(1, (left + spread - 1) / spread));
        }
        return Math.min(chunkSize, left);
    }

    @Override
    Unit take() {
        int count = chunk();
        Unit unit = new Unit(this, args, next, count, next);
        next += count;
        return unit;
    }

    @Override
    boolean drained() {
        return next >= args.length;
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    void complete(Unit unit, Object[] values, Throwable[] errors) {
        if (errors != null) {
            for (Throwable error : errors) {
                if (error != null) {
                    future.completeExceptionally(error);
                    return;
                }
            }
        }
        results.put((int) unit.index, values, unit.count);
        stored(unit);
    }

    @Override
    void completePacked(Unit unit, Object packed) {
        try {
            results.putPacked((int) unit.index, packed, unit.count);
        } catch (IllegalArgumentException e) {
            future.completeExceptionally(new IllegalStateException("pool protocol error: " + e.getMessage(), e));
            return;
        }
        stored(unit);
    }

    private void stored(Unit unit) {
        int left = remaining.addAndGet(-unit.count);
        if (progress != null) {
            report(size - left);
        }
        if (left == 0) {
            future.complete(results.list());
        }
    }

    private synchronized void report(long completed) {
        if (completed > reported) {
            reported = completed;
            try {
                progress.onProgress(completed, size);
            } catch (RuntimeException e) {
                pool.log("progress listener threw", e);
            }
        }
    }

    @Override
    void abort(Throwable reason) {
        future.completeExceptionally(reason);
    }
}
