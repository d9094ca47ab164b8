package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.NotSerializableTaskException;
import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableCallable;
import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.spi.Codec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The pool protocol's encoding, shared by the parent and the worker JVM.
 *
 * <p>Requests (parent to worker) are frames of operations: {@link #OP_DEFINE} a function under an
 * id, {@link #OP_FORGET} every defined function, {@link #OP_UNIT} run a unit of items. Responses
 * are {@link #R_READY}, {@link #R_INIT_FAILED} and {@link #R_RESULTS} frames. A unit's items and
 * results are a <em>block</em>: packed ints, longs or doubles when every value has that type (the
 * common case of numeric maps, copied without a per-value tag), else tagged values where the
 * common JDK types skip the codec and anything else is codec bytes. All numbers little-endian.
 */
public final class Wire {

    /** Run the function with one argument. */
    static final byte KIND_FUNCTION = 1;
    /** Run the two-argument function with a {@link Pair}. */
    static final byte KIND_BIFUNCTION = 2;
    /** Call a callable. */
    static final byte KIND_CALLABLE = 3;
    /** Run a runnable; the result is {@code null}. */
    static final byte KIND_RUNNABLE = 4;

    static final byte OP_DEFINE = 1;
    static final byte OP_FORGET = 2;
    static final byte OP_UNIT = 3;

    static final byte R_READY = 1;
    static final byte R_INIT_FAILED = 2;
    static final byte R_RESULTS = 3;

    static final byte BLOCK_VALUES = 0;
    static final byte BLOCK_INTS = 1;
    static final byte BLOCK_LONGS = 2;
    static final byte BLOCK_DOUBLES = 3;

    static final byte T_NULL = 0;
    static final byte T_INT = 1;
    static final byte T_LONG = 2;
    static final byte T_DOUBLE = 3;
    static final byte T_STRING = 4;
    static final byte T_TRUE = 5;
    static final byte T_FALSE = 6;
    static final byte T_BYTES = 7;
    static final byte T_CODEC = 8;
    static final byte T_PAIR = 9;
    static final byte T_INTS = 10;
    static final byte T_LONGS = 11;
    static final byte T_DOUBLES = 12;

    static final byte ITEM_OK = 0;
    static final byte ITEM_FAILED = 1;

    private Wire() {
    }

    /** A value already encoded with the codec (in the caller's thread). */
    record Encoded(byte[] bytes) {
    }

    /** The two arguments of a {@code starmap} item. */
    record Pair(Object first, Object second) {
    }

    /**
     * Prepares an argument for sending: values of the common JDK types stay as they are, anything
     * else is encoded now, so a value that cannot be serialized fails in the caller's thread.
     */
    static Object prepare(Codec codec, Object value, String rootName) {
        if (plain(value)) {
            return value;
        }
        if (value instanceof Pair(Object first, Object second)) {
            return new Pair(plain(first) ? first : prepare(codec, first, rootName + ".key"),
                    plain(second) ? second : prepare(codec, second, rootName + ".value"));
        }
        return new Encoded(TaskEncoding.encode(codec, value, rootName));
    }

    /** Whether a value travels as it is (a common JDK type the wire writes itself), not encoded. */
    static boolean plain(Object value) {
        return value == null || value instanceof Integer || value instanceof Long || value instanceof Double
                || value instanceof String || value instanceof Boolean || value instanceof byte[]
                || value instanceof int[] || value instanceof long[] || value instanceof double[];
    }

    /** A rough size of a prepared value on the wire, to bound frames. */
    static int sizeOf(Object prepared) {
        return switch (prepared) {
            case null -> 1;
            case String s -> 5 + s.length() * 3;
            case byte[] b -> 5 + b.length;
            case int[] a -> 5 + 4 * a.length;
            case long[] a -> 5 + 8 * a.length;
            case double[] a -> 5 + 8 * a.length;
            case Encoded e -> 5 + e.bytes().length;
            case Pair(Object first, Object second) -> 1 + sizeOf(first) + sizeOf(second);
            default -> 9;
        };
    }

    /** Runs one item in this JVM. */
    @SuppressWarnings("unchecked")
    static Object invoke(byte kind, Object function, Object argument) throws Exception {
        return switch (kind) {
            case KIND_FUNCTION -> ((SerializableFunction<Object, Object>) function).apply(argument);
            case KIND_BIFUNCTION -> {
                Pair pair = (Pair) argument;
                yield ((SerializableBiFunction<Object, Object, Object>) function).apply(pair.first(), pair.second());
            }
            case KIND_CALLABLE -> {
                if (function instanceof SerializableCallable<?> callable) {
                    yield callable.call();
                }
                yield ((Callable<?>) function).call();
            }
            case KIND_RUNNABLE -> {
                if (function instanceof SerializableRunnable runnable) {
                    runnable.run();
                } else {
                    ((Runnable) function).run();
                }
                yield null;
            }
            default -> throw new IllegalStateException("unknown task kind " + kind);
        };
    }

    // ------------------------------------------------------------------ blocks

    /**
     * Writes {@code count} values from {@code values[from]} as one block. Values are prepared
     * ({@link #prepare}) or, on the worker, raw results that are encoded here.
     *
     * @throws NotSerializableTaskException if a raw value cannot be encoded; {@code out} is then
     *     left as it was
     */
    static void writeBlock(Bytes out, Object[] values, int from, int count, Codec codec, String rootName) {
        byte packed = packedType(values, from, count);
        out.write(packed);
        out.writeInt(count);
        switch (packed) {
            case BLOCK_INTS -> {
                for (int i = from; i < from + count; i++) {
                    out.writeInt((Integer) values[i]);
                }
            }
            case BLOCK_LONGS -> {
                for (int i = from; i < from + count; i++) {
                    out.writeLong((Long) values[i]);
                }
            }
            case BLOCK_DOUBLES -> {
                for (int i = from; i < from + count; i++) {
                    out.writeLong(Double.doubleToRawLongBits((Double) values[i]));
                }
            }
            default -> {
                int mark = out.size() - 5;
                try {
                    for (int i = from; i < from + count; i++) {
                        writeValue(out, values[i], codec, rootName);
                    }
                } catch (RuntimeException e) {
                    out.truncate(mark);
                    throw e;
                }
            }
        }
    }

    private static byte packedType(Object[] values, int from, int count) {
        if (count < 2) {
            return BLOCK_VALUES;
        }
        Object first = values[from];
        Class<?> type = first == null ? null : first.getClass();
        if (type != Integer.class && type != Long.class && type != Double.class) {
            return BLOCK_VALUES;
        }
        for (int i = from + 1; i < from + count; i++) {
            Object value = values[i];
            if (value == null || value.getClass() != type) {
                return BLOCK_VALUES;
            }
        }
        return type == Integer.class ? BLOCK_INTS : type == Long.class ? BLOCK_LONGS : BLOCK_DOUBLES;
    }

    /** A block as read by {@link Reader#readBlockPacked}, as boxed values. */
    static Object[] boxed(Object block) {
        return switch (block) {
            case Object[] values -> values;
            case int[] ints -> {
                Object[] values = new Object[ints.length];
                for (int i = 0; i < ints.length; i++) {
                    values[i] = ints[i];
                }
                yield values;
            }
            case long[] longs -> {
                Object[] values = new Object[longs.length];
                for (int i = 0; i < longs.length; i++) {
                    values[i] = longs[i];
                }
                yield values;
            }
            case double[] doubles -> {
                Object[] values = new Object[doubles.length];
                for (int i = 0; i < doubles.length; i++) {
                    values[i] = doubles[i];
                }
                yield values;
            }
            default -> throw new IllegalArgumentException("not a block: " + block.getClass().getName());
        };
    }

    /**
     * Writes one tagged value: the common JDK types directly, anything else through the codec.
     * Also the element format of shared queues and pipes.
     *
     * @param out where to append
     * @param value the value, may be null
     * @param codec for values of other types
     * @param rootName names the value in a {@link NotSerializableTaskException}
     * @throws NotSerializableTaskException if the value cannot be encoded
     */
    public static void writeValue(Bytes out, Object value, Codec codec, String rootName) {
        switch (value) {
            case null -> out.write(T_NULL);
            case Integer i -> {
                out.write(T_INT);
                out.writeInt(i);
            }
            case Long l -> {
                out.write(T_LONG);
                out.writeLong(l);
            }
            case Double d -> {
                out.write(T_DOUBLE);
                out.writeLong(Double.doubleToRawLongBits(d));
            }
            case String s -> {
                out.write(T_STRING);
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8, 0, utf8.length);
            }
            case Boolean b -> out.write(b ? T_TRUE : T_FALSE);
            case byte[] bytes -> {
                out.write(T_BYTES);
                out.writeInt(bytes.length);
                out.write(bytes, 0, bytes.length);
            }
            case int[] array -> {
                out.write(T_INTS);
                out.writeInt(array.length);
                for (int element : array) {
                    out.writeInt(element);
                }
            }
            case long[] array -> {
                out.write(T_LONGS);
                out.writeInt(array.length);
                for (long element : array) {
                    out.writeLong(element);
                }
            }
            case double[] array -> {
                out.write(T_DOUBLES);
                out.writeInt(array.length);
                for (double element : array) {
                    out.writeLong(Double.doubleToRawLongBits(element));
                }
            }
            case Encoded(byte[] bytes) -> {
                out.write(T_CODEC);
                out.writeInt(bytes.length);
                out.write(bytes, 0, bytes.length);
            }
            case Pair(Object first, Object second) -> {
                out.write(T_PAIR);
                writeValue(out, first, codec, rootName);
                writeValue(out, second, codec, rootName);
            }
            default -> {
                out.write(T_CODEC);
                int lengthAt = out.reserve(4);
                int start = out.size();
                TaskEncoding.encodeInto(codec, value, rootName, out);
                out.putInt(lengthAt, out.size() - start);
            }
        }
    }

    /**
     * Reads one value written by {@link #writeValue} that fills {@code data[offset, offset+length)}.
     *
     * @param data the bytes
     * @param offset where the value starts
     * @param length its length
     * @param codec the codec it was written with
     * @return the value
     * @throws RuntimeException if the bytes are not such a value or cannot be decoded here
     */
    public static Object readValue(byte[] data, int offset, int length, Codec codec) {
        Reader reader = new Reader(data, offset, offset + length, codec);
        Object value = reader.readValue();
        if (reader.hasMore()) {
            throw new IllegalStateException("corrupt value: " + (offset + length - reader.position) + " bytes left over");
        }
        return value;
    }

    /**
     * Reads every value written one after another by {@link #writeValue}.
     *
     * @param data the buffer
     * @param offset where the first value starts
     * @param length how many bytes the values span
     * @param codec the codec they were written with
     * @return the values in order
     * @throws RuntimeException if the bytes are not such values or cannot be decoded here
     */
    public static Object[] readValues(byte[] data, int offset, int length, Codec codec) {
        Reader reader = new Reader(data, offset, offset + length, codec);
        java.util.List<Object> values = new java.util.ArrayList<>();
        while (reader.hasMore()) {
            values.add(reader.readValue());
        }
        return values.toArray();
    }

    /** A cursor over a received frame. */
    static final class Reader {
        private final byte[] data;
        private final int end;
        private final Codec codec;
        int position;

        Reader(byte[] data, int position, int end, Codec codec) {
            this.data = data;
            this.position = position;
            this.end = end;
            this.codec = codec;
        }

        boolean hasMore() {
            return position < end;
        }

        byte readByte() {
            check(1);
            return data[position++];
        }

        int readInt() {
            check(4);
            int value = Bytes.getInt(data, position);
            position += 4;
            return value;
        }

        long readLong() {
            check(8);
            long value = Bytes.getLong(data, position);
            position += 8;
            return value;
        }

        byte[] readBytes() {
            int length = readInt();
            check(length);
            byte[] bytes = new byte[length];
            System.arraycopy(data, position, bytes, 0, length);
            position += length;
            return bytes;
        }

        private void check(int length) {
            if (length < 0 || end - position < length) {
                throw new IllegalStateException("corrupt pool frame: needs " + length + " bytes at " + position
                        + ", frame ends at " + end);
            }
        }

        /**
         * Reads a block, a packed one as its primitive array ({@code int[]}, {@code long[]} or
         * {@code double[]}) without boxing, any other as an {@code Object[]}.
         */
        Object readBlockPacked() {
            int mark = position;
            byte type = readByte();
            if (type != BLOCK_INTS && type != BLOCK_LONGS && type != BLOCK_DOUBLES) {
                position = mark;
                return readBlock();
            }
            int count = blockCount(type == BLOCK_INTS ? 4 : 8);
            switch (type) {
                case BLOCK_INTS -> {
                    int[] values = new int[count];
                    for (int i = 0; i < count; i++) {
                        values[i] = Bytes.getInt(data, position);
                        position += 4;
                    }
                    return values;
                }
                case BLOCK_LONGS -> {
                    long[] values = new long[count];
                    for (int i = 0; i < count; i++) {
                        values[i] = Bytes.getLong(data, position);
                        position += 8;
                    }
                    return values;
                }
                default -> {
                    double[] values = new double[count];
                    for (int i = 0; i < count; i++) {
                        values[i] = Double.longBitsToDouble(Bytes.getLong(data, position));
                        position += 8;
                    }
                    return values;
                }
            }
        }

        /**
         * Reads a count of values and checks that they can all be in the frame, at
         * {@code valueBytes} each at least, before anything is allocated for them.
         */
        int blockCount(int valueBytes) {
            int count = readInt();
            if (count < 0 || (long) count * valueBytes > end - position) {
                throw new IllegalStateException("corrupt pool frame: block of " + count + " values at " + position
                        + ", frame ends at " + end);
            }
            return count;
        }

        /** Reads a block into a new array. */
        Object[] readBlock() {
            byte type = readByte();
            int count = blockCount(type == BLOCK_INTS ? 4 : type == BLOCK_LONGS || type == BLOCK_DOUBLES ? 8 : 1);
            Object[] values = new Object[count];
            switch (type) {
                case BLOCK_INTS -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = Bytes.getInt(data, position);
                        position += 4;
                    }
                }
                case BLOCK_LONGS -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = Bytes.getLong(data, position);
                        position += 8;
                    }
                }
                case BLOCK_DOUBLES -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = Double.longBitsToDouble(Bytes.getLong(data, position));
                        position += 8;
                    }
                }
                case BLOCK_VALUES -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = readValue();
                    }
                }
                default -> throw new IllegalStateException("corrupt pool frame: block type " + type);
            }
            return values;
        }

        /** Reads an array length and checks that its elements are all in the frame (before allocating). */
        private int arrayLength(int elementBytes) {
            int length = readInt();
            if (length < 0 || (long) length * elementBytes > end - position) {
                throw new IllegalStateException("corrupt pool frame: array of " + length + " elements at " + position
                        + ", frame ends at " + end);
            }
            return length;
        }

        /** Skips a block. @return its value count */
        int skipBlock() {
            byte type = readByte();
            int count = readInt();
            switch (type) {
                case BLOCK_INTS -> skip(4L * count);
                case BLOCK_LONGS, BLOCK_DOUBLES -> skip(8L * count);
                default -> {
                    for (int i = 0; i < count; i++) {
                        skipValue();
                    }
                }
            }
            return count;
        }

        /** Skips one tagged value. */
        void skipValue() {
            byte tag = readByte();
            switch (tag) {
                case T_INT -> skip(4);
                case T_LONG, T_DOUBLE -> skip(8);
                case T_STRING, T_BYTES, T_CODEC -> skip(readInt());
                case T_INTS -> skip(4L * readInt());
                case T_LONGS, T_DOUBLES -> skip(8L * readInt());
                case T_PAIR -> {
                    skipValue();
                    skipValue();
                }
                default -> {
                    // null, true, false: the tag is the value
                }
            }
        }

        private void skip(long length) {
            if (length > Integer.MAX_VALUE) {
                throw new IllegalStateException("corrupt pool frame: skip of " + length + " bytes");
            }
            check((int) length);
            position += (int) length;
        }

        /** Reads one tagged value, decoding codec bytes. */
        Object readValue() {
            byte tag = readByte();
            return switch (tag) {
                case T_NULL -> null;
                case T_INT -> readInt();
                case T_LONG -> readLong();
                case T_DOUBLE -> Double.longBitsToDouble(readLong());
                case T_STRING -> {
                    int length = readInt();
                    check(length);
                    String s = new String(data, position, length, StandardCharsets.UTF_8);
                    position += length;
                    yield s;
                }
                case T_TRUE -> Boolean.TRUE;
                case T_FALSE -> Boolean.FALSE;
                case T_BYTES -> readBytes();
                case T_CODEC -> {
                    int length = readInt();
                    check(length);
                    Object value = TaskEncoding.decode(codec, data, position, length);
                    position += length;
                    yield value;
                }
                case T_PAIR -> new Pair(readValue(), readValue());
                case T_INTS -> {
                    int[] array = new int[arrayLength(4)];
                    for (int i = 0; i < array.length; i++) {
                        array[i] = Bytes.getInt(data, position);
                        position += 4;
                    }
                    yield array;
                }
                case T_LONGS -> {
                    long[] array = new long[arrayLength(8)];
                    for (int i = 0; i < array.length; i++) {
                        array[i] = Bytes.getLong(data, position);
                        position += 8;
                    }
                    yield array;
                }
                case T_DOUBLES -> {
                    double[] array = new double[arrayLength(8)];
                    for (int i = 0; i < array.length; i++) {
                        array[i] = Double.longBitsToDouble(Bytes.getLong(data, position));
                        position += 8;
                    }
                    yield array;
                }
                default -> throw new IllegalStateException("corrupt pool frame: value tag " + tag);
            };
        }
    }
}
