package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.DoubleUnaryOperator;

/**
 * A double shared by every process that has it: Python's {@code Value('d')}. Create one with
 * {@link Context#sharedDouble(double)}.
 *
 * <p>Every method is atomic and reads or writes the value with volatile semantics; additions are
 * compare-and-set loops on the value's bits, so {@link #compareAndSet} compares bit patterns
 * ({@code -0.0} differs from {@code 0.0}, a NaN equals the same NaN). {@link #lock()} serializes
 * compound updates. Instances are thread-safe. {@link #close()} (or closing the creating context)
 * removes the shared memory.
 */
public final class SharedDouble extends SharedCell {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "double";

    private static final VarHandle BITS = ValueLayout.JAVA_LONG.varHandle();

    SharedDouble(SharedRegion region) {
        super(region, KIND);
    }

    static SharedDouble create(double initial) {
        SharedDouble value = create(KIND, 0, 0, SharedDouble::new);
        value.set(initial);
        return value;
    }

    /**
     * The value.
     *
     * @return the current value
     */
    public double get() {
        return Double.longBitsToDouble((long) BITS.getVolatile(segment, VALUE));
    }

    /**
     * Sets the value.
     *
     * @param newValue the new value
     */
    public void set(double newValue) {
        BITS.setVolatile(segment, VALUE, Double.doubleToRawLongBits(newValue));
    }

    /**
     * Sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public double getAndSet(double newValue) {
        return Double.longBitsToDouble((long) BITS.getAndSet(segment, VALUE, Double.doubleToRawLongBits(newValue)));
    }

    /**
     * Sets the value to {@code newValue} if its bits are those of {@code expected}.
     *
     * @param expected the value it must have
     * @param newValue the new value
     * @return {@code true} if set
     */
    public boolean compareAndSet(double expected, double newValue) {
        return BITS.compareAndSet(segment, VALUE, Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(newValue));
    }

    /**
     * Adds to the value.
     *
     * @param delta what to add
     * @return the new value
     */
    public double addAndGet(double delta) {
        return updateAndGet(v -> v + delta);
    }

    /**
     * Applies {@code update} atomically (retrying while other updates intervene, so it should
     * have no side effects).
     *
     * @param update the function
     * @return the new value
     */
    public double updateAndGet(DoubleUnaryOperator update) {
        while (true) {
            long bits = (long) BITS.getVolatile(segment, VALUE);
            double next = update.applyAsDouble(Double.longBitsToDouble(bits));
            if (BITS.compareAndSet(segment, VALUE, bits, Double.doubleToRawLongBits(next))) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return Double.toString(get());
    }
}
