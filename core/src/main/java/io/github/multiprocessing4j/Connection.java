package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.SpareBytes;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.internal.pool.Wire;
import io.github.multiprocessing4j.spi.Codec;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}. Messages are
 * objects ({@link #send}/{@link #recv}, encoded in the calling thread) or raw bytes
 * ({@link #sendBytes}/{@link #recvBytes}, no codec at all). Each direction is a shared-memory
 * queue, so a message is never torn, a large one is streamed in parts, and blocking calls sleep in
 * the kernel and honour timeouts and interruption.
 *
 * <p>{@link #close()} closes the connection for both ends: the other end's blocked and later
 * receives fail with {@link IllegalStateException} once the messages already sent are read
 * (Python's {@code EOFError}). Instances are thread-safe.
 *
 * @param <T> the message type
 */
public final class Connection<T> implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    private static final long MAX_POLL_PARK_NANOS = 1_000_000;

    private final transient QueueCore incoming;
    private final transient QueueCore outgoing;
    private final transient Codec codec;
    private final transient SpareBytes buffers = new SpareBytes();

    Connection(QueueCore incoming, QueueCore outgoing, Codec codec) {
        this.incoming = incoming;
        this.outgoing = outgoing;
        this.codec = codec;
    }

    /**
     * Whether this end can receive.
     *
     * @return {@code false} for the sending end of a one-way pipe
     */
    public boolean readable() {
        return incoming != null;
    }

    /**
     * Whether this end can send.
     *
     * @return {@code false} for the receiving end of a one-way pipe
     */
    public boolean writable() {
        return outgoing != null;
    }

    /**
     * Sends an object.
     *
     * @param message the object, may be null
     * @throws NotSerializableTaskException if it cannot be serialized (nothing was sent)
     * @throws IllegalStateException if the connection is closed or this end cannot send
     * @throws InterruptedException if interrupted while waiting for room (nothing was sent)
     */
    public void send(T message) throws InterruptedException {
        Bytes bytes = buffers.take();
        try {
            Wire.writeValue(bytes, message, codec, "message");
            out().put((byte) 0, bytes.array(), bytes.size(), -1);
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Sends raw bytes, bypassing the codec; the other end reads them with {@link #recvBytes()}.
     *
     * @param bytes the bytes
     * @throws IllegalStateException if the connection is closed or this end cannot send
     * @throws InterruptedException if interrupted while waiting for room (nothing was sent)
     */
    public void sendBytes(byte[] bytes) throws InterruptedException {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends part of an array as raw bytes.
     *
     * @param bytes the array
     * @param offset where the message starts
     * @param length its length
     * @throws IllegalStateException if the connection is closed or this end cannot send
     * @throws InterruptedException if interrupted while waiting for room (nothing was sent)
     */
    public void sendBytes(byte[] bytes, int offset, int length) throws InterruptedException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        byte[] message = offset == 0 ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
        out().put(QueueCore.RAW, message, length, -1);
    }

    /**
     * Receives the next object, waiting as long as needed.
     *
     * @return the object
     * @throws IllegalStateException if the connection is closed and drained, this end cannot
     *     receive, or the next message is raw bytes (read it with {@link #recvBytes()})
     * @throws InterruptedException if interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    public T recv() throws InterruptedException {
        Bytes bytes = buffers.take();
        try {
            int tag = in().take(bytes, -1);
            if (tag < 0) {
                throw new IllegalStateException("the connection is closed");
            }
            return (T) decode(tag, bytes);
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Receives the next object if one arrives within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the object
     * @throws TimeoutException if none arrived in time
     * @throws IllegalStateException as {@link #recv()}
     * @throws InterruptedException if interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    public T recv(Duration timeout) throws InterruptedException, TimeoutException {
        Bytes bytes = buffers.take();
        try {
            int tag = in().take(bytes, Math.max(0, timeout.toNanos()));
            if (tag < 0) {
                throw new TimeoutException("no message within " + timeout);
            }
            return (T) decode(tag, bytes);
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Receives the next message, which must have been sent with {@link #sendBytes}.
     *
     * @return the bytes
     * @throws IllegalStateException if the connection is closed and drained, this end cannot
     *     receive, or the next message is an object (it is then consumed)
     * @throws InterruptedException if interrupted while waiting
     */
    public byte[] recvBytes() throws InterruptedException {
        Bytes bytes = buffers.take();
        try {
            if (in().take(bytes, -1) != QueueCore.RAW) {
                throw new IllegalStateException(
                        "the next message was sent with send(), not sendBytes(); it was consumed");
            }
            return bytes.toByteArray();
        } finally {
            buffers.recycle(bytes);
        }
    }

    private Object decode(int tag, Bytes bytes) {
        if (tag == QueueCore.RAW) {
            throw new IllegalStateException("the next message was sent with sendBytes(); it was consumed as raw bytes "
                    + "that recv() cannot decode - read such messages with recvBytes()");
        }
        try {
            return Wire.readValue(bytes.array(), 0, bytes.size(), codec);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("a message cannot be deserialized in this process: " + e, e);
        }
    }

    /**
     * Waits up to {@code timeout} for a message to receive. Python's {@code poll(timeout)}.
     *
     * @param timeout how long to wait; zero checks and returns at once (it polls as
     *     {@link #waitAny} does)
     * @return {@code true} if a message is waiting, or the connection is closed (so that a
     *     receive would not block)
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        in(); // the sending end of a one-way pipe cannot poll
        return !waitAny(List.of(this), timeout).isEmpty();
    }

    /** A receive would not block: data waiting, or closed. */
    boolean isReady() {
        QueueCore in = in();
        return in.isClosed() || in.hasData();
    }

    private QueueCore in() {
        if (incoming == null) {
            throw new IllegalStateException("this end of a one-way pipe only sends");
        }
        return incoming;
    }

    private QueueCore out() {
        if (outgoing == null) {
            throw new IllegalStateException("this end of a one-way pipe only receives");
        }
        return outgoing;
    }

    /** Closes the connection for both ends. Idempotent. */
    @Override
    public void close() {
        if (incoming != null) {
            incoming.close();
        }
        if (outgoing != null) {
            outgoing.close();
        }
    }

    /**
     * Whether the connection was closed (by either end).
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return (incoming != null && incoming.isClosed()) || (outgoing != null && outgoing.isClosed());
    }

    // ------------------------------------------------------------------ waiting on several

    /**
     * Waits until at least one of {@code objects} is ready, or the timeout elapses: Python's
     * {@code multiprocessing.connection.wait}. A {@link Connection} is ready when a receive would
     * not block, a {@link SharedQueue} when it is not empty or closed, a {@link WorkerProcess}
     * when it has ended. The wait polls with a back-off up to 1 ms (the objects live in different
     * places: shared memory and process tables), so it reacts within about a millisecond.
     *
     * @param objects connections, queues and worker processes
     * @param timeout how long to wait at most; {@code null} waits forever
     * @return the ready objects, in the order given; empty on timeout
     * @throws IllegalArgumentException if an object is of another type
     * @throws InterruptedException if interrupted while waiting
     */
    public static List<Object> waitAny(Collection<?> objects, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(objects, "objects");
        for (Object o : objects) {
            if (!(o instanceof Connection<?> || o instanceof SharedQueue<?> || o instanceof WorkerProcess)) {
                throw new IllegalArgumentException("cannot wait on " + (o == null ? "null" : o.getClass().getName())
                        + " (expected: Connection, SharedQueue or WorkerProcess)");
            }
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, timeout.toNanos());
        long park = 20_000;
        while (true) {
            List<Object> ready = new ArrayList<>();
            for (Object o : objects) {
                boolean isReady = switch (o) {
                    case Connection<?> c -> c.isReady();
                    case SharedQueue<?> q -> q.isClosed() || !q.isEmpty();
                    case WorkerProcess p -> p.exitCode().isPresent();
                    default -> false;
                };
                if (isReady) {
                    ready.add(o);
                }
            }
            long left = deadline - System.nanoTime();
            if (!ready.isEmpty() || left <= 0) {
                return ready;
            }
            LockSupport.parkNanos(Math.min(park, left));
            park = Math.min(park * 2, MAX_POLL_PARK_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    @Override
    public String toString() {
        return "Connection[" + (readable() ? "receives" : "") + (readable() && writable() ? ", " : "")
                + (writable() ? "sends" : "") + (isClosed() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ passing to workers

    /**
     * Serialized as a reference: the worker that deserializes it attaches to the same pipe.
     *
     * @return the reference
     */
    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new Ref(incoming == null ? null : incoming.path().toString(),
                outgoing == null ? null : outgoing.path().toString(), codec.name());
    }

    /** The serialized form. */
    private record Ref(String incoming, String outgoing, String codec) implements java.io.Serializable {
        @Serial
        Object readResolve() throws ObjectStreamException {
            return new Connection<>(incoming == null ? null : QueueCore.attach(Path.of(incoming)),
                    outgoing == null ? null : QueueCore.attach(Path.of(outgoing)), Codecs.byName(codec));
        }
    }
}
