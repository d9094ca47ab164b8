package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the shared arrays have in common: a length fixed at creation, the elements as a
 * {@link MemorySegment} after the lock, and bounds-checked offsets into it. The typed access lives
 * in the subclasses.
 */
abstract sealed class SharedArray extends SharedCell
        permits SharedLongArray, SharedIntArray, SharedDoubleArray, SharedByteArray {

    @Serial
    private static final long serialVersionUID = 1L;

    final transient int length;
    final transient MemorySegment elements;
    private final transient long elementBytes;

    SharedArray(SharedRegion region, String kind, ValueLayout layout) {
        super(region, kind);
        this.length = Math.toIntExact(SyncRegions.longParameter(region));
        this.elementBytes = layout.byteSize();
        this.elements = segment.asSlice(DATA, length * elementBytes);
    }

    /** Creates the file of a new array of {@code length} elements of {@code layout}. */
    static <T extends SharedArray> T create(String kind, ValueLayout layout, int length,
            Function<SharedRegion, T> wrap) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: at least 0)");
        }
        return create(kind, length * layout.byteSize(), length, wrap);
    }

    /**
     * The number of elements.
     *
     * @return the length
     */
    public int length() {
        return length;
    }

    /**
     * The elements as memory: {@link #length()} elements in native byte order. Valid until the
     * array is closed.
     *
     * @return a view of the shared elements
     */
    public MemorySegment asSegment() {
        return elements;
    }

    /** The byte offset of element {@code index}, checked. */
    final long offset(int index) {
        return Objects.checkIndex(index, length) * elementBytes;
    }

    /** The byte offset of elements {@code from .. from + count}, checked. */
    final long range(int from, int count) {
        return Objects.checkFromIndexSize(from, count, length) * elementBytes;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + ", length " + length + "]";
    }
}
