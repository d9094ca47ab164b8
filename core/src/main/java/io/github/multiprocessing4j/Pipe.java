package io.github.multiprocessing4j;

import java.util.Objects;

/**
 * The two ends of a pipe: Python's {@code Pipe()}. Create one with {@link Context#pipe()} (duplex:
 * each end sends and receives) or {@link Context#pipe(boolean)} with {@code false} (one-way: the
 * {@link #first()} end receives, the {@link #second()} end sends, as Python's
 * {@code reader, writer = Pipe(duplex=False)}). Pass an end to a worker like any captured value.
 *
 * <pre>{@code
 * Pipe<String> pipe = ctx.pipe();
 * Connection<String> here = pipe.first(), there = pipe.second();
 * ctx.process(() -> there.send("pong: " + there.recv())).start();
 * here.send("ping");
 * System.out.println(here.recv()); // pong: ping
 * }</pre>
 *
 * <p>Unlike Python's pipe, an end may be used by several threads or processes at once without
 * corrupting messages.
 *
 * @param <T> the message type
 * @param first the first end
 * @param second the second end
 */
public record Pipe<T>(Connection<T> first, Connection<T> second) implements AutoCloseable, java.io.Serializable {

    /**
     * The two ends.
     *
     * @param first the first end (the receiving end of a one-way pipe)
     * @param second the second end (the sending end of a one-way pipe)
     */
    public Pipe {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    /** Closes both ends. */
    @Override
    public void close() {
        first.close();
        second.close();
    }
}
