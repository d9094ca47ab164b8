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
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A queue between processes: Python's {@code multiprocessing.Queue} (and {@code SimpleQueue}) as
 * a {@link BlockingQueue}. Create one with {@link Context#queue()} or {@link Context#queue(int)};
 * capture it in a worker's target or pass it to a pool task, and the worker gets the same queue.
 * Any number of processes may put and take at once.
 *
 * <pre>{@code
 * try (Context ctx = Multiprocessing.processes()) {
 *     SharedQueue<String> results = ctx.queue();
 *     ctx.process(() -> results.put("hello from " + ProcessHandle.current().pid())).start();
 *     System.out.println(results.take());
 * }
 * }</pre>
 *
 * <h2>Unlike Python's Queue</h2>
 * <ul>
 *   <li>{@link #put} encodes the element in the calling thread, straight into shared memory: an
 *       element that cannot be serialized fails there and then ({@link NotSerializableTaskException}),
 *       and there is no feeder thread, so a process that put data can always be joined.</li>
 *   <li>A process killed in the middle of a put never corrupts the queue: consumers get every
 *       element whose put returned, never a torn one. A consumer killed in the middle of a take
 *       loses at most the element it was taking. A process that dies holding the queue's internal
 *       lock is noticed by the next one within about 100 ms.</li>
 *   <li>An element larger than the free space is written in parts as consumers make room; it
 *       never fails for its size.</li>
 *   <li>Elements are copies: what a consumer takes is a new object, even on the threads backends.</li>
 * </ul>
 *
 * <h2>Bounds and blocking</h2>
 * A queue holds at most {@link #capacity()} elements (unbounded by default) and at most its ring
 * of shared memory in bytes (1 MiB), whichever fills first. Blocking operations sleep in the kernel
 * and honour timeouts and interruption; an interrupted put or take has put or taken nothing.
 *
 * <h2>What it does not do</h2>
 * Elements live in shared memory as bytes, so the {@link Collection} methods that would have to
 * look at them in place ({@link #iterator()}, {@link #peek()}, {@link #contains}, {@link #remove(Object)},
 * {@link #toArray()}) throw {@link UnsupportedOperationException}. {@link #size()} is exact only
 * while nobody puts or takes, as Python's {@code qsize()}. Null elements are rejected.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the queue for every process: blocked and later calls throw
 * {@link IllegalStateException} ("the queue is closed"); in other processes, takes first return
 * what is left. The context that created the queue closes it (and removes its file) when it closes.
 *
 * <p>Instances are thread-safe.
 *
 * @param <E> the element type
 */
public sealed class SharedQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable,
        java.io.Serializable permits JoinableQueue {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient QueueCore core;
    private final transient Codec codec;
    private final transient SpareBytes buffers = new SpareBytes();

    SharedQueue(QueueCore core, Codec codec) {
        this.core = core;
        this.codec = codec;
    }

    QueueCore core() {
        return core;
    }

    /**
     * Most elements the queue holds at once.
     *
     * @return the bound, or {@link Integer#MAX_VALUE} for an unbounded queue
     */
    public int capacity() {
        return core.maxItems();
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts an element, waiting for room as long as needed.
     *
     * @throws NullPointerException if {@code e} is null
     * @throws NotSerializableTaskException if it cannot be serialized (nothing was put)
     * @throws IllegalStateException if the queue is closed
     */
    @Override
    public void put(E e) throws InterruptedException {
        Bytes bytes = encode(e);
        try {
            core.put((byte) 0, bytes.array(), bytes.size(), -1);
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Puts an element if there is room within the timeout. An element larger than a quarter of
     * the queue's bytes goes in pieces: once its first piece is in, the put finishes the element
     * as consumers make room, even past the timeout, so that no half element is ever left.
     *
     * @return {@code false} if the timeout elapsed first (nothing was put)
     * @throws NullPointerException if {@code e} is null
     * @throws NotSerializableTaskException if it cannot be serialized
     * @throws IllegalStateException if the queue is closed
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        Bytes bytes = encode(e);
        try {
            return core.put((byte) 0, bytes.array(), bytes.size(), Math.max(0, unit.toNanos(timeout)));
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Puts an element if there is room now. Python's {@code put_nowait} (which raises instead).
     *
     * @return {@code false} if the queue is full
     * @throws NullPointerException if {@code e} is null
     * @throws NotSerializableTaskException if it cannot be serialized
     * @throws IllegalStateException if the queue is closed
     */
    @Override
    public boolean offer(E e) {
        Bytes bytes = encode(e);
        try {
            return core.put((byte) 0, bytes.array(), bytes.size(), 0);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            buffers.recycle(bytes);
        }
    }

    private Bytes encode(E e) {
        Objects.requireNonNull(e, "a shared queue does not hold null elements");
        Bytes bytes = buffers.take();
        try {
            Wire.writeValue(bytes, e, codec, "element");
        } catch (RuntimeException | Error ex) {
            buffers.recycle(bytes);
            throw ex;
        }
        return bytes;
    }

    // ------------------------------------------------------------------ take

    /**
     * Takes the next element, waiting as long as needed.
     *
     * @throws IllegalStateException if the queue is closed (and, seen from another process than
     *     the one that closed it, empty), or the element cannot be deserialized here (it is then
     *     consumed)
     */
    @Override
    public E take() throws InterruptedException {
        E element = take(-1);
        if (element == null) {
            throw new IllegalStateException("the queue is closed");
        }
        return element;
    }

    /** Takes one element, or null on timeout; the buffer is reused from message to message. */
    private E take(long timeoutNanos) throws InterruptedException {
        Bytes bytes = buffers.take();
        try {
            return core.take(bytes, timeoutNanos) < 0 ? null : decode(bytes);
        } finally {
            buffers.recycle(bytes);
        }
    }

    /**
     * Takes the next element if one arrives within the timeout.
     *
     * @return the element, or {@code null} if none arrived
     * @throws IllegalStateException as {@link #take()}
     */
    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return take(Math.max(0, unit.toNanos(timeout)));
    }

    /**
     * Takes the next element if one is there now. Python's {@code get_nowait} (which raises).
     *
     * @return the element, or {@code null} if the queue is empty
     * @throws IllegalStateException as {@link #take()}
     */
    @Override
    public E poll() {
        try {
            return poll(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private E decode(Bytes bytes) {
        try {
            return (E) Wire.readValue(bytes.array(), 0, bytes.size(), codec);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("a queue element cannot be deserialized in this process: " + e, e);
        }
    }

    // ------------------------------------------------------------------ the rest of BlockingQueue

    /**
     * Elements in the queue now; exact only while nobody puts or takes.
     *
     * @return the count, at most {@link Integer#MAX_VALUE}
     */
    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, core.size());
    }

    /**
     * Whether no element is waiting now.
     *
     * @return {@code true} if empty
     */
    @Override
    public boolean isEmpty() {
        return !core.hasData();
    }

    /**
     * Room left by count: {@link #capacity()} minus {@link #size()} (byte room is not counted).
     *
     * @return the room, {@link Integer#MAX_VALUE} for an unbounded queue
     */
    @Override
    public int remainingCapacity() {
        int capacity = capacity();
        return capacity == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(0, capacity - size());
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int drained = 0;
        while (drained < maxElements) {
            E element = poll();
            if (element == null) {
                break;
            }
            c.add(element);
            drained++;
        }
        return drained;
    }

    /**
     * Not supported: the elements are bytes in shared memory, not objects to look at in place.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public E peek() {
        throw unsupported("peek()");
    }

    /**
     * Not supported; use {@link #poll()} or {@link #drainTo(Collection)}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Iterator<E> iterator() {
        throw unsupported("iterator()");
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public boolean contains(Object o) {
        throw unsupported("contains()");
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public boolean remove(Object o) {
        throw unsupported("remove(Object)");
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Object[] toArray() {
        throw unsupported("toArray()");
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public <T> T[] toArray(T[] a) {
        throw unsupported("toArray()");
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException(method + " is not supported by a queue shared between processes"
                + " (its elements are bytes in shared memory); use poll() or drainTo()");
    }

    /**
     * Closes the queue for every process (see the class comment). Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * Whether the queue was closed, by any process.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + core.path().getFileName() + (isClosed() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ passing to workers

    /**
     * Serialized as a reference: the worker that deserializes it attaches to the same queue.
     *
     * @return the reference
     */
    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new Ref(core.path().toString(), codec.name(), this instanceof JoinableQueue);
    }

    /** The serialized form: where the queue lives, its codec and kind. */
    private record Ref(String path, String codec, boolean joinable) implements java.io.Serializable {
        @Serial
        Object readResolve() throws ObjectStreamException {
            QueueCore core = QueueCore.attach(Path.of(path));
            Codec c = Codecs.byName(codec);
            return joinable ? new JoinableQueue<>(core, c) : new SharedQueue<>(core, c);
        }
    }
}
