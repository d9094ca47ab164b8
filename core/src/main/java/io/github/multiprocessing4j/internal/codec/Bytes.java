package io.github.multiprocessing4j.internal.codec;

import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that is also an {@link OutputStream}, so a codec can write straight into
 * it, with little-endian primitive writers for framing. Not thread-safe; reuse one per thread.
 */
public final class Bytes extends OutputStream {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] array;
    private int size;

    /**
     * Creates a buffer.
     *
     * @param initialCapacity the initial capacity in bytes
     */
    public Bytes(int initialCapacity) {
        this.array = new byte[Math.max(16, initialCapacity)];
    }

    /**
     * The backing array; valid up to {@link #size()}.
     *
     * @return the array, replaced when the buffer grows
     */
    public byte[] array() {
        return array;
    }

    /**
     * The number of bytes written.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /** Forgets the content, keeping the capacity. */
    public void clear() {
        size = 0;
    }

    /**
     * Sets the size, for example to undo a partly written record.
     *
     * @param newSize a size no larger than the current one
     */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("newSize: " + newSize + " (expected: 0.." + size + ")");
        }
        size = newSize;
    }

    /**
     * A copy of the content.
     *
     * @return a new array of {@link #size()} bytes
     */
    public byte[] toByteArray() {
        return Arrays.copyOf(array, size);
    }

    /**
     * Makes room for {@code more} bytes and returns the offset they start at.
     *
     * @param more the number of bytes about to be written
     * @return the write offset
     */
    public int reserve(int more) {
        int at = size;
        ensure(more);
        size += more;
        return at;
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > array.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError("message of " + needed + " bytes is larger than a Java array");
            }
            array = Arrays.copyOf(array, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * array.length)));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        array[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, array, size, len);
        size += len;
    }

    /**
     * Writes a little-endian int.
     *
     * @param value the value
     */
    public void writeInt(int value) {
        ensure(4);
        INT.set(array, size, value);
        size += 4;
    }

    /**
     * Overwrites a little-endian int at {@code offset}.
     *
     * @param offset where
     * @param value the value
     */
    public void putInt(int offset, int value) {
        INT.set(array, offset, value);
    }

    /**
     * Writes a little-endian long.
     *
     * @param value the value
     */
    public void writeLong(long value) {
        ensure(8);
        LONG.set(array, size, value);
        size += 8;
    }

    /**
     * Writes a string as its UTF-8 length and bytes.
     *
     * @param value the string
     */
    public void writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        write(utf8, 0, utf8.length);
    }

    /**
     * Reads a little-endian int.
     *
     * @param data the array
     * @param offset where
     * @return the value
     */
    public static int getInt(byte[] data, int offset) {
        return (int) INT.get(data, offset);
    }

    /**
     * Reads a little-endian long.
     *
     * @param data the array
     * @param offset where
     * @return the value
     */
    public static long getLong(byte[] data, int offset) {
        return (long) LONG.get(data, offset);
    }
}
