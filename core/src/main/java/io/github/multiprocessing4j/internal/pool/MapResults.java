package io.github.multiprocessing4j.internal.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

/**
 * The results of a {@code map}, by index. Packed blocks of ints, longs or doubles from worker JVMs
 * stay unboxed: a map over a million numbers holds no million boxes while it runs (the parent's
 * young collections copied them), and its list boxes a value when it is read. The first result
 * of another type turns the store into plain objects. Thread-safe: the units of one map complete
 * on several reader threads.
 */
final class MapResults {

    private static final byte NONE = 0;
    private static final byte INTS = 1;
    private static final byte LONGS = 2;
    private static final byte DOUBLES = 3;
    private static final byte OBJECTS = 4;

    private final int size;
    private byte mode = NONE;
    /** The values while {@link #mode} is {@code INTS}, {@code LONGS} or {@code DOUBLES}. */
    private Object packed;
    /** The values once {@link #mode} is {@code OBJECTS}. */
    private Object[] objects;

    MapResults(int size) {
        this.size = size;
    }

    /**
     * Stores a packed block ({@code int[]}, {@code long[]} or {@code double[]}) of {@code count}
     * results at {@code index}.
     *
     * @throws IllegalArgumentException if it is not a packed block, has another length, or does not fit
     */
    synchronized void putPacked(int index, Object block, int count) {
        byte kind = kindOf(block);
        int length = lengthOf(block, kind);
        if (length != count || index < 0 || length > size - index) {
            throw new IllegalArgumentException(length + " results for a unit of " + count + " at " + index + " of "
                    + size);
        }
        if (mode == NONE) {
            mode = kind;
            packed = switch (kind) {
                case INTS -> new int[size];
                case LONGS -> new long[size];
                default -> new double[size];
            };
        }
        if (mode == kind) {
            System.arraycopy(block, 0, packed, index, length);
        } else {
            toObjects();
            System.arraycopy(Wire.boxed(block), 0, objects, index, length);
        }
    }

    /** Stores {@code count} results from {@code values} at {@code index}. */
    synchronized void put(int index, Object[] values, int count) {
        if (mode != NONE && mode != OBJECTS && unbox(index, values, count)) {
            return;
        }
        toObjects();
        System.arraycopy(values, 0, objects, index, count);
    }

    /** The results as an unmodifiable list; call once every index is stored. */
    synchronized List<Object> list() {
        return switch (mode) {
            case NONE, OBJECTS -> objects == null ? List.of() : Collections.unmodifiableList(Arrays.asList(objects));
            default -> new PackedList(packed, mode);
        };
    }

    /** Stores boxed numbers of the packed type unboxed; false, storing nothing, if one is not. */
    private boolean unbox(int index, Object[] values, int count) {
        Class<?> type = mode == INTS ? Integer.class : mode == LONGS ? Long.class : Double.class;
        for (int i = 0; i < count; i++) {
            if (values[i] == null || values[i].getClass() != type) {
                return false;
            }
        }
        for (int i = 0; i < count; i++) {
            switch (mode) {
                case INTS -> ((int[]) packed)[index + i] = (Integer) values[i];
                case LONGS -> ((long[]) packed)[index + i] = (Long) values[i];
                default -> ((double[]) packed)[index + i] = (Double) values[i];
            }
        }
        return true;
    }

    /** Switches to plain objects (slots not stored yet hold a boxed zero until they are). */
    private void toObjects() {
        if (mode == OBJECTS) {
            return;
        }
        objects = mode == NONE ? new Object[size] : Wire.boxed(packed);
        packed = null;
        mode = OBJECTS;
    }

    private static byte kindOf(Object block) {
        return switch (block) {
            case int[] ignored -> INTS;
            case long[] ignored -> LONGS;
            case double[] ignored -> DOUBLES;
            default -> throw new IllegalArgumentException("not a packed block: " + block.getClass().getName());
        };
    }

    private static int lengthOf(Object block, byte kind) {
        return switch (kind) {
            case INTS -> ((int[]) block).length;
            case LONGS -> ((long[]) block).length;
            default -> ((double[]) block).length;
        };
    }

    /** An unmodifiable list over packed numbers, boxing each as it is read; serializes as a copy. */
    static final class PackedList extends AbstractList<Object> implements RandomAccess, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient Object values;
        private final transient byte kind;

        PackedList(Object values, byte kind) {
            this.values = values;
            this.kind = kind;
        }

        @Override
        public Object get(int index) {
            return switch (kind) {
                case INTS -> ((int[]) values)[index];
                case LONGS -> ((long[]) values)[index];
                default -> ((double[]) values)[index];
            };
        }

        @Override
        public int size() {
            return lengthOf(values, kind);
        }

        /** Serialized as an unmodifiable copy: the receiver needs no class of this library. */
        @Serial
        private Object writeReplace() {
            return Collections.unmodifiableList(new ArrayList<>(this));
        }
    }
}
