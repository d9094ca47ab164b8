package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.LongUnaryOperator;

/**
 * A long shared by every process that has it: Python's {@code Value('q')}. Create one with
 * {@link Context#sharedLong(long)}.
 *
 * <pre>{@code
 * SharedLong counter = ctx.sharedLong(0);
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
public final class SharedLong extends SharedCell {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "long";

    private static final VarHandle VALUE_HANDLE = ValueLayout.JAVA_LONG.varHandle();

    SharedLong(SharedRegion region) {
        super(region, KIND);
    }

    static SharedLong create(long initial) {
        SharedLong value = create(KIND, 0, 0, SharedLong::new);
        value.set(initial);
        return value;
    }

    /**
     * The value.
     *
     * @return the current value
     */
    public long get() {
        return (long) VALUE_HANDLE.getVolatile(segment, VALUE);
    }

    /**
     * Sets the value.
     *
     * @param newValue the new value
     */
    public void set(long newValue) {
        VALUE_HANDLE.setVolatile(segment, VALUE, newValue);
    }

    /**
     * Sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public long getAndSet(long newValue) {
        return (long) VALUE_HANDLE.getAndSet(segment, VALUE, newValue);
    }

    /**
     * Sets the value to {@code newValue} if it is {@code expected}.
     *
     * @param expected the value it must have
     * @param newValue the new value
     * @return {@code true} if set
     */
    public boolean compareAndSet(long expected, long newValue) {
        return VALUE_HANDLE.compareAndSet(segment, VALUE, expected, newValue);
    }

    /**
     * Adds to the value.
     *
     * @param delta what to add
     * @return the new value
     */
    public long addAndGet(long delta) {
        return (long) VALUE_HANDLE.getAndAdd(segment, VALUE, delta) + delta;
    }

    /**
     * Adds to the value.
     *
     * @param delta what to add
     * @return the previous value
     */
    public long getAndAdd(long delta) {
        return (long) VALUE_HANDLE.getAndAdd(segment, VALUE, delta);
    }

    /**
     * Adds one.
     *
     * @return the new value
     */
    public long incrementAndGet() {
        return addAndGet(1);
    }

    /**
     * Subtracts one.
     *
     * @return the new value
     */
    public long decrementAndGet() {
        return addAndGet(-1);
    }

    /**
     * Applies {@code update} atomically (retrying while other updates intervene, so it should
     * have no side effects).
     *
     * @param update the function
     * @return the new value
     */
    public long updateAndGet(LongUnaryOperator update) {
        while (true) {
            long current = get();
            long next = update.applyAsLong(current);
            if (compareAndSet(current, next)) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return Long.toString(get());
    }
}
