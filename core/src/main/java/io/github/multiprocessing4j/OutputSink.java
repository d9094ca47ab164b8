package io.github.multiprocessing4j;

import java.util.Objects;

/**
 * Receives the lines a worker JVM writes to its standard output and standard error.
 *
 * <p>Each stream of each worker is read by its own thread, so lines of one stream arrive in the
 * order the worker wrote them; lines of different streams or workers may arrive concurrently, and
 * an implementation must be thread-safe. A line does not include its line terminator; a last line
 * without a terminator is delivered when the stream ends. Bytes are decoded as UTF-8 (workers are
 * started with {@code stdout.encoding} and {@code stderr.encoding} set to UTF-8).
 *
 * <p>The default, {@link #prefixed()}, prints each line to this JVM's {@link System#out} or
 * {@link System#err} with the worker's name as prefix.
 */
@FunctionalInterface
public interface OutputSink {

    /** The stream a line came from. */
    enum Stream {
        /** The worker's standard output. */
        STDOUT,
        /** The worker's standard error. */
        STDERR
    }

    /**
     * Receives one line.
     *
     * @param workerName the name of the worker that wrote it
     * @param stream the stream it was written to
     * @param line the line, without its terminator
     */
    void line(String workerName, Stream stream, String line);

    /**
     * Prints every line as {@code [name] line} to {@link System#out} or {@link System#err}, whichever
     * matches the worker's stream. The streams are looked up for each line, so
     * {@link System#setOut} is honoured.
     *
     * @return the default sink
     */
    static OutputSink prefixed() {
        return (name, stream, line) -> {
            var target = stream == Stream.STDOUT ? System.out : System.err;
            target.println("[" + name + "] " + line);
        };
    }

    /**
     * Drops every line. The last lines of standard error are still kept for
     * {@link WorkerCrashedException}.
     *
     * @return a sink that ignores its input
     */
    static OutputSink discard() {
        return (name, stream, line) -> { };
    }

    /**
     * Returns a sink that passes each line to this sink and then to {@code other}.
     *
     * @param other the second sink
     * @return the combined sink
     */
    default OutputSink andThen(OutputSink other) {
        Objects.requireNonNull(other, "other");
        return (name, stream, line) -> {
            line(name, stream, line);
            other.line(name, stream, line);
        };
    }
}
