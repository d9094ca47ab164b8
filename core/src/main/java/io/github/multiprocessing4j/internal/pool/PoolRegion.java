package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.ipc.ByteRing;
import io.github.multiprocessing4j.internal.ipc.RingDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The shared-memory file between the parent and one pool worker: two counters the worker
 * publishes (items started, items finished; they tell the parent which item is running, for
 * timeouts, cancellation and crash attribution) and two {@link ByteRing}s, requests and responses.
 *
 * <pre>
 *   0  magic (long)
 *  64  started (long, written by the worker with release, read by the parent with acquire)
 * 128  finished (long, likewise)
 * 4096 request ring, then the response ring
 * </pre>
 */
final class PoolRegion {

    static final long MAGIC = 0x4C4F4F504A34504DL; // "MP4JPOOL"
    static final long STARTED_OFFSET = 64;
    static final long FINISHED_OFFSET = 128;
    static final long RINGS_OFFSET = 4096;
    static final int RING_CAPACITY = 1 << 20;
    static final long RING_LENGTH = RingDescriptor.length(RING_CAPACITY);
    static final long LENGTH = RINGS_OFFSET + 2 * RING_LENGTH;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment segment;
    final ByteRing requests;
    final ByteRing responses;

    private PoolRegion(MemorySegment segment, ByteRing requests, ByteRing responses) {
        this.segment = segment;
        this.requests = requests;
        this.responses = responses;
    }

    /** Lays out a fresh, zeroed region. */
    static PoolRegion format(MemorySegment segment) {
        segment.set(ValueLayout.JAVA_LONG, 0, MAGIC);
        return new PoolRegion(segment,
                ByteRing.format(segment.asSlice(RINGS_OFFSET, RING_LENGTH), RING_CAPACITY),
                ByteRing.format(segment.asSlice(RINGS_OFFSET + RING_LENGTH, RING_LENGTH), RING_CAPACITY));
    }

    /** Opens a region laid out by the parent. */
    static PoolRegion open(MemorySegment segment) {
        if (segment.byteSize() < LENGTH || segment.get(ValueLayout.JAVA_LONG, 0) != MAGIC) {
            throw new IllegalStateException("not a pool region of this version (" + segment.byteSize() + " bytes)");
        }
        return new PoolRegion(segment,
                ByteRing.open(segment.asSlice(RINGS_OFFSET, RING_LENGTH)),
                ByteRing.open(segment.asSlice(RINGS_OFFSET + RING_LENGTH, RING_LENGTH)));
    }

    long started() {
        return (long) LONG.getAcquire(segment, STARTED_OFFSET);
    }

    long finished() {
        return (long) LONG.getAcquire(segment, FINISHED_OFFSET);
    }

    void setStarted(long value) {
        LONG.setRelease(segment, STARTED_OFFSET, value);
    }

    void setFinished(long value) {
        LONG.setRelease(segment, FINISHED_OFFSET, value);
    }
}
