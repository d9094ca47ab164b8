package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of doubles shared by every process that has it: Python's
 * {@code Array('d', n)}. Create one with {@link Context#doubleArray(int)}; its elements start at zero.
 *
 * <p>{@link #get} and {@link #set} are volatile (sequentially consistent across processes), and {@link #addAndGet} is atomic.
 * The bulk methods copy plainly: for a consistent snapshot while others write, hold
 * {@link #lock()} on both sides. {@link #asSegment()} views the elements as a
 * {@link MemorySegment}. Instances are thread-safe. {@link #close()} (or closing the creating
 * context) removes the shared memory.
 */
public final class SharedDoubleArray extends SharedArray {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "double[]";

    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE;
    private static final VarHandle ELEMENT = LAYOUT.varHandle();
    private static final VarHandle BITS = ValueLayout.JAVA_LONG.varHandle();

    SharedDoubleArray(SharedRegion region) {
        super(region, KIND, LAYOUT);
    }

    static SharedDoubleArray create(int length) {
        return create(KIND, LAYOUT, length, SharedDoubleArray::new);
    }

    /**
     * One element.
     *
     * @param index its index
     * @return its value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public double get(int index) {
        return (double) ELEMENT.getVolatile(elements, offset(index));
    }

    /**
     * Sets one element.
     *
     * @param index its index
     * @param value the new value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public void set(int index, double value) {
        ELEMENT.setVolatile(elements, offset(index), value);
    }

    /**
     * Adds to one element atomically (a compare-and-set loop on its bits).
     *
     * @param index its index
     * @param delta what to add
     * @return the new value
     */
    public double addAndGet(int index, double delta) {
        long at = offset(index);
        while (true) {
            long bits = (long) BITS.getVolatile(elements, at);
            double next = Double.longBitsToDouble(bits) + delta;
            if (BITS.compareAndSet(elements, at, bits, Double.doubleToRawLongBits(next))) {
                return next;
            }
        }
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
    public void copyTo(int from, double[] destination, int destinationFrom, int count) {
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
    public void copyFrom(double[] source, int sourceFrom, int to, int count) {
        MemorySegment.copy(source, sourceFrom, elements, LAYOUT, range(to, count), count);
    }

    /**
     * A copy of all elements.
     *
     * @return a new array
     */
    public double[] toArray() {
        double[] copy = new double[length];
        copyTo(0, copy, 0, length);
        return copy;
    }
}
