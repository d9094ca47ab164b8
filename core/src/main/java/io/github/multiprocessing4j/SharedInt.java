package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.IntUnaryOperator;

/**
 * An int shared by every process that has it: Python's {@code Value('i')}. Create one with
 * {@link Context#sharedInt(int)}.
 *
 * <pre>{@code
 * SharedInt counter = ctx.sharedInt(0);
 * pool.map(x -> {
 *     counter.incrementAndGet();    // atomic: never loses an update
 *     return x;
 * }, inputs);
 * // counter.set(counter.get() + 1) from two processes loses updates, as {@code v.value += 1}
 * // does in Python; for a compound update hold counter.lock()
 * }</pre>
 *
 * <p>Every method is atomic and reads or writes the value with volatile semantics (sequentially
 * consistent across processes); {@link #lock()} serializes compound updates. Instances are
 * thread-safe. {@link #close()} (or closing the creating context) removes the shared memory.
 */
public final class SharedInt extends SharedCell {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "int";

    private static final VarHandle VALUE_HANDLE = ValueLayout.JAVA_INT.varHandle();

    SharedInt(SharedRegion region) {
        super(region, KIND);
    }

    static SharedInt create(int initial) {
        SharedInt value = create(KIND, 0, 0, SharedInt::new);
        value.set(initial);
        return value;
    }

    /**
     * The value.
     *
     * @return the current value
     */
    public int get() {
        return (int) VALUE_HANDLE.getVolatile(segment, VALUE);
    }

    /**
     * Sets the value.
     *
     * @param newValue the new value
     */
    public void set(int newValue) {
        VALUE_HANDLE.setVolatile(segment, VALUE, newValue);
    }

    /**
     * Sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public int getAndSet(int newValue) {
        return (int) VALUE_HANDLE.getAndSet(segment, VALUE, newValue);
    }

    /**
     * Sets the value to {@code newValue} if it is {@code expected}.
     *
     * @param expected the value it must have
     * @param newValue the new value
     * @return {@code true} if set
     */
    public boolean compareAndSet(int expected, int newValue) {
        return VALUE_HANDLE.compareAndSet(segment, VALUE, expected, newValue);
    }

    /**
     * Adds to the value.
     *
     * @param delta what to add
     * @return the new value
     */
    public int addAndGet(int delta) {
        return (int) VALUE_HANDLE.getAndAdd(segment, VALUE, delta) + delta;
    }

    /**
     * Adds to the value.
     *
     * @param delta what to add
     * @return the previous value
     */
    public int getAndAdd(int delta) {
        return (int) VALUE_HANDLE.getAndAdd(segment, VALUE, delta);
    }

    /**
     * Adds one.
     *
     * @return the new value
     */
    public int incrementAndGet() {
        return addAndGet(1);
    }

    /**
     * Subtracts one.
     *
     * @return the new value
     */
    public int decrementAndGet() {
        return addAndGet(-1);
    }

    /**
     * Applies {@code update} atomically (retrying while other updates intervene, so it should
     * have no side effects).
     *
     * @param update the function
     * @return the new value
     */
    public int updateAndGet(IntUnaryOperator update) {
        while (true) {
            int current = get();
            int next = update.applyAsInt(current);
            if (compareAndSet(current, next)) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return Integer.toString(get());
    }
}
