package io.github.multiprocessing4j.manager;

import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Named attributes held by a manager: Python's {@code manager.Namespace()}, where
 * {@code ns.x = 1} becomes {@code ns.set("x", 1)} and {@code ns.x} becomes {@code ns.get("x")}.
 * Get one from {@link Manager#namespace()}; it serializes as a reference, so workers and pool
 * tasks that capture it see the same attributes.
 *
 * <p>Values cross by copy, as in Python: changing an object returned by {@link #get} changes a
 * copy; {@link #set} it again to publish the change. Values must be serializable; {@code null}
 * is a value like any other. Each method is one call to the manager. Thread-safe.
 */
public interface Namespace {

    /**
     * The value of an attribute (Python's {@code ns.name}).
     *
     * @param <T> the type the caller expects
     * @param name the attribute
     * @return its value
     * @throws NoSuchElementException if the namespace has no such attribute (Python's
     *     {@code AttributeError})
     */
    <T> T get(String name);

    /**
     * The value of an attribute, or {@code fallback} when it has none.
     *
     * @param <T> the type the caller expects
     * @param name the attribute
     * @param fallback what to return when it is absent
     * @return its value or {@code fallback}
     */
    <T> T getOrDefault(String name, T fallback);

    /**
     * Sets an attribute (Python's {@code ns.name = value}).
     *
     * @param name the attribute
     * @param value its new value, serializable or {@code null}
     */
    void set(String name, Object value);

    /**
     * Whether the attribute exists (Python's {@code hasattr}).
     *
     * @param name the attribute
     * @return {@code true} if it was set and not removed
     */
    boolean contains(String name);

    /**
     * Removes an attribute (Python's {@code del ns.name}).
     *
     * @param name the attribute
     * @return {@code true} if it existed
     */
    boolean remove(String name);

    /**
     * A copy of every attribute, in the order they were first set.
     *
     * @return a new map, not backed by the namespace
     */
    Map<String, Object> toMap();
}
