package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.spi.Codec;

/**
 * Lets the contexts create the public shared-object types, whose constructors are not public: a
 * package-private class of the API package installs the factory when it is initialized.
 */
public final class SharedObjects {

    /** Creates the public wrappers around shared-memory engines. */
    public interface Factory {
        /**
         * A queue over {@code core}.
         *
         * @param <E> the element type
         * @param core the engine
         * @param codec the element codec
         * @param joinable whether to make a {@code JoinableQueue}
         * @return the queue
         */
        <E> SharedQueue<E> queue(QueueCore core, Codec codec, boolean joinable);

        /**
         * A pipe over one or two engines.
         *
         * @param <T> the message type
         * @param toFirst messages to the first end
         * @param toSecond messages to the second end, or {@code null} for a one-way pipe
         * @param codec the message codec
         * @return the pipe
         */
        <T> Pipe<T> pipe(QueueCore toFirst, QueueCore toSecond, Codec codec);

        /**
         * A new lock, semaphore, event, barrier, shared value, array or shared memory block.
         *
         * @param <T> the public type
         * @param type the public type, such as {@code SharedLock.class}
         * @param parameter its parameter: reentrant (1 or 0) for a lock, permits for a
         *     semaphore, parties for a barrier, the initial value (a double's raw bits) for a
         *     value, the length of an array, the size of a memory block; ignored otherwise
         * @param bounded whether a semaphore is bounded
         * @return the object, owned by this process
         */
        <T extends AutoCloseable> T sync(Class<T> type, long parameter, boolean bounded);
    }

    /** The package-private API class that installs the factory. */
    private static final String FACTORY_CLASS = "io.github.multiprocessing4j.SharedObjectFactory";

    private static volatile Factory factory;

    private SharedObjects() {
    }

    /**
     * Installs the factory; only the first call counts.
     *
     * @param f the factory
     */
    public static synchronized void install(Factory f) {
        if (factory == null) {
            factory = f;
        }
    }

    static Factory factory() {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(FACTORY_CLASS, true, SharedQueue.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot happen: " + FACTORY_CLASS + " is part of this library", e);
            }
            f = factory;
        }
        return f;
    }
}
