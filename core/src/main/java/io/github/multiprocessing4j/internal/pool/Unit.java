package io.github.multiprocessing4j.internal.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one worker receives at once: {@code count} items of one {@link Call}, the arguments
 * {@code args[from .. from + count)}. A unit is resolved exactly once: by its results, or by being
 * split after its worker died (the running item failed, the others queued again as new units).
 */
final class Unit {

    final Call call;
    final Object[] args;
    final int from;
    final int count;
    /** The call-level index of the unit's first item. */
    final long index;
    final int bytes;
    private final AtomicBoolean resolved = new AtomicBoolean();
    /** Assigned when the unit is handed to a worker; guarded by the pool lock. */
    long id;
    /** The global index of the unit's first item on its worker; guarded by the pool lock. */
    long firstItem;

    Unit(Call call, Object[] args, int from, int count, long index) {
        this.call = call;
        this.args = args;
        this.from = from;
        this.count = count;
        this.index = index;
        int size = 32;
        if (call.sizesArguments()) {
            for (int i = from; i < from + count; i++) {
                size += Wire.sizeOf(args[i]);
            }
        }
        this.bytes = size;
    }

    /** Claims the right to resolve this unit; only the first caller gets {@code true}. */
    boolean claim() {
        return resolved.compareAndSet(false, true);
    }

    /** A unit of the items {@code [start, end)} of this unit, relative to it, to run again. */
    Unit slice(int start, int end) {
        return new Unit(call, args, from + start, end - start, index + start);
    }
}
