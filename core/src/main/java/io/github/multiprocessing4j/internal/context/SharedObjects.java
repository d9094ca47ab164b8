package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.spi.Codec;

/**
 * Lets the contexts create the public shared-object types, whose constructors are not public:
 * {@link SharedQueue} installs the factory when it is initialized.
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
    }

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
                Class.forName(SharedQueue.class.getName(), true, SharedQueue.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot happen: SharedQueue is part of this library", e);
            }
            f = factory;
        }
        return f;
    }
}
