package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.SerializableFunction;

/**
 * One value held by a manager: Python's {@code manager.Value(typecode, value)}, for any
 * serializable type. Get one from {@link Manager#value(Object)}; it serializes as a reference.
 * Each method is one atomic call to the manager, so {@link #updateAndGet} is the way to make a
 * compound change ({@code v.updateAndGet(n -> n + 1)}) that no other process can interleave with.
 * Values cross by copy. Thread-safe.
 *
 * @param <T> the value's type (serializable)
 */
public interface ManagedValue<T> {

    /**
     * The current value (Python's {@code v.value}).
     *
     * @return the value
     */
    T get();

    /**
     * Replaces the value (Python's {@code v.value = x}).
     *
     * @param value the new value
     */
    void set(T value);

    /**
     * Replaces the value and returns the old one.
     *
     * @param value the new value
     * @return the previous value
     */
    T getAndSet(T value);

    /**
     * Replaces the value if it equals {@code expected} ({@link java.util.Objects#equals}).
     *
     * @param expected the value it must have
     * @param value the new value
     * @return {@code true} if it was replaced
     */
    boolean compareAndSet(T expected, T value);

    /**
     * Applies {@code update} to the value in the manager, atomically, and returns the result.
     * The function is serialized and runs in the manager's process, so it must not block or
     * capture anything large.
     *
     * @param update the change, for example {@code n -> n + 1}
     * @return the new value
     */
    T updateAndGet(SerializableFunction<T, T> update);
}
