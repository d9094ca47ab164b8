package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of longs shared by every process that has it: Python's
 * {@code Array('q', n)}. Create one with {@link Context#longArray(int)}; its elements start at zero.
 *
 * <p>{@link #get} and {@link #set} are volatile (sequentially consistent across processes), and the arithmetic methods are atomic.
 * The bulk methods copy plainly: for a consistent snapshot while others write, hold
 * {@link #lock()} on both sides. {@link #asSegment()} views the elements as a
 * {@link MemorySegment}. Instances are thread-safe. {@link #close()} (or closing the creating
 * context) removes the shared memory.
 */
public final class SharedLongArray extends SharedArray {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "long[]";

    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG;
    private static final VarHandle ELEMENT = LAYOUT.varHandle();

    SharedLongArray(SharedRegion region) {
        super(region, KIND, LAYOUT);
    }

    static SharedLongArray create(int length) {
        return create(KIND, LAYOUT, length, SharedLongArray::new);
    }

    /**
     * One element.
     *
     * @param index its index
     * @return its value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public long get(int index) {
        return (long) ELEMENT.getVolatile(elements, offset(index));
    }

    /**
     * Sets one element.
     *
     * @param index its index
     * @param value the new value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public void set(int index, long value) {
        ELEMENT.setVolatile(elements, offset(index), value);
    }

    /**
     * Adds to one element atomically.
     *
     * @param index its index
     * @param delta what to add
     * @return the new value
     */
    public long addAndGet(int index, long delta) {
        return (long) ELEMENT.getAndAdd(elements, offset(index), delta) + delta;
    }

    /**
     * Adds to one element atomically.
     *
     * @param index its index
     * @param delta what to add
     * @return the previous value
     */
    public long getAndAdd(int index, long delta) {
        return (long) ELEMENT.getAndAdd(elements, offset(index), delta);
    }

    /**
     * Adds one to an element atomically.
     *
     * @param index its index
     * @return the new value
     */
    public long incrementAndGet(int index) {
        return addAndGet(index, 1);
    }

    /**
     * Sets an element to {@code value} if it is {@code expected}.
     *
     * @param index its index
     * @param expected the value it must have
     * @param value the new value
     * @return {@code true} if set
     */
    public boolean compareAndSet(int index, long expected, long value) {
        return ELEMENT.compareAndSet(elements, offset(index), expected, value);
    }

    /**
     * Copies elements out.
     *
     * @param from the first element to copy
     * @param destination the array to copy to
     * @param destinationFrom where to put the first
     * @param count how many
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    public void copyTo(int from, long[] destination, int destinationFrom, int count) {
        MemorySegment.copy(elements, LAYOUT, range(from, count), destination, destinationFrom, count);
    }

    /**
     * Copies elements in.
     *
     * @param source the array to copy from
     * @param sourceFrom the first element to copy
     * @param to where to put it in this array
     * @param count how many
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    public void copyFrom(long[] source, int sourceFrom, int to, int count) {
        MemorySegment.copy(source, sourceFrom, elements, LAYOUT, range(to, count), count);
    }

    /**
     * A copy of all elements.
     *
     * @return a new array
     */
    public long[] toArray() {
        long[] copy = new long[length];
        copyTo(0, copy, 0, length);
        return copy;
    }
}
