package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of bytes shared by every process that has it: Python's
 * {@code Array('b', n)} and {@code RawArray}. Create one with {@link Context#byteArray(int)}; its elements start at zero.
 *
 * <p>{@link #get} and {@link #set} are volatile (sequentially consistent across processes).
 * The bulk methods copy plainly: for a consistent snapshot while others write, hold
 * {@link #lock()} on both sides. {@link #asSegment()} views the elements as a
 * {@link MemorySegment}. Instances are thread-safe. {@link #close()} (or closing the creating
 * context) removes the shared memory.
 */
public final class SharedByteArray extends SharedArray {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "byte[]";

    private static final ValueLayout.OfByte LAYOUT = ValueLayout.JAVA_BYTE;
    private static final VarHandle ELEMENT = LAYOUT.varHandle();

    SharedByteArray(SharedRegion region) {
        super(region, KIND, LAYOUT);
    }

    static SharedByteArray create(int length) {
        return create(KIND, LAYOUT, length, SharedByteArray::new);
    }

    /**
     * One element.
     *
     * @param index its index
     * @return its value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public byte get(int index) {
        return (byte) ELEMENT.getVolatile(elements, offset(index));
    }

    /**
     * Sets one element.
     *
     * @param index its index
     * @param value the new value
     * @throws IndexOutOfBoundsException if the index is outside the array
     */
    public void set(int index, byte value) {
        ELEMENT.setVolatile(elements, offset(index), value);
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
    public void copyTo(int from, byte[] destination, int destinationFrom, int count) {
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
    public void copyFrom(byte[] source, int sourceFrom, int to, int count) {
        MemorySegment.copy(source, sourceFrom, elements, LAYOUT, range(to, count), count);
    }

    /**
     * A copy of all elements.
     *
     * @return a new array
     */
    public byte[] toArray() {
        byte[] copy = new byte[length];
        copyTo(0, copy, 0, length);
        return copy;
    }
}
