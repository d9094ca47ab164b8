package io.github.multiprocessing4j.internal.ipc;

import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.CAPACITY_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.CLOSED_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.DATA_SEQ_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.DATA_SLEEPERS_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.HEADER_LENGTH;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.HEAD_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.MAGIC;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.MAGIC_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.SPACE_SEQ_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.SPACE_SLEEPERS_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.TAIL_OFFSET;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.VERSION;
import static io.github.multiprocessing4j.internal.ipc.RingDescriptor.VERSION_OFFSET;

import io.github.multiprocessing4j.internal.codec.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A single-producer, single-consumer stream of length-prefixed frames in shared memory: the
 * transport between a parent and a pool worker, one ring each way.
 *
 * <p>The ring is a byte stream, like a pipe: a frame is {@code int length} then its bytes, and a
 * frame larger than the free space (or the whole ring) is written in pieces as the consumer frees
 * room, so no message is ever too large. The producer publishes with a release store of
 * {@code tail} after each frame; the consumer reads with an acquire load, copies, and releases
 * room with a release store of {@code head}. Either side sleeps in the kernel when it must wait
 * ({@link SharedWait}), after a short spin.
 *
 * <p>One thread at a time may produce and one at a time may consume; callers serialize. If the
 * producer process dies in the middle of a frame, the frame was never published in full and the
 * consumer sees end of stream once the ring is {@linkplain #close() closed} (the parent closes a
 * ring when it sees its worker die); nothing half-written is ever returned.
 */
public final class ByteRing {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt INT_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemorySegment segment;
    private final MemorySegment data;
    private final int capacity;
    private final int mask;
    /**
     * The producer's last reading of {@code head}: a lower bound of the real one (it only grows),
     * so room computed from it is never overestimated, and the consumer's cache line is read only
     * when the cached room runs out. Guarded by the callers' serialization of producers.
     */
    private long cachedHead;
    /** The consumer's last reading of {@code tail}, a lower bound; guarded like {@link #cachedHead}. */
    private long cachedTail;

    private ByteRing(MemorySegment segment) {
        this.segment = segment;
        this.capacity = segment.get(ValueLayout.JAVA_INT, CAPACITY_OFFSET);
        this.mask = capacity - 1;
        this.data = segment.asSlice(HEADER_LENGTH, capacity);
    }

    /**
     * Formats a new ring in {@code segment}.
     *
     * @param segment memory of {@link RingDescriptor#length(int)} bytes, zeroed
     * @param capacity the data capacity, a power of two of at least 64
     * @return the ring
     */
    public static ByteRing format(MemorySegment segment, int capacity) {
        if (capacity < 64 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: a power of two, at least 64)");
        }
        if (segment.byteSize() < RingDescriptor.length(capacity)) {
            throw new IllegalArgumentException("segment: " + segment.byteSize() + " bytes (expected: at least "
                    + RingDescriptor.length(capacity) + ")");
        }
        segment.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        segment.set(ValueLayout.JAVA_INT, CAPACITY_OFFSET, capacity);
        LONG.setRelease(segment, MAGIC_OFFSET, MAGIC);
        return new ByteRing(segment);
    }

    /**
     * Opens a ring formatted by another process.
     *
     * @param segment the ring's memory
     * @return the ring
     * @throws IllegalStateException if the memory does not hold a ring of this version
     */
    public static ByteRing open(MemorySegment segment) {
        long magic = (long) LONG.getAcquire(segment, MAGIC_OFFSET);
        int version = segment.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
        if (magic != MAGIC || version != VERSION) {
            throw new IllegalStateException("not a ring of layout version " + VERSION + " (magic " + Long.toHexString(magic)
                    + ", version " + version + ")");
        }
        return new ByteRing(segment);
    }

    /**
     * The data capacity.
     *
     * @return bytes
     */
    public int capacity() {
        return capacity;
    }

    /** Marks the ring closed and wakes both sides. Idempotent. */
    public void close() {
        INT.setVolatile(segment, CLOSED_OFFSET, 1);
        SharedWait.signalAll(segment, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET);
        SharedWait.signalAll(segment, SPACE_SEQ_OFFSET, SPACE_SLEEPERS_OFFSET);
    }

    /**
     * Whether the ring was closed.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return (int) INT.getVolatile(segment, CLOSED_OFFSET) != 0;
    }

    // ---------------------------------------------------------------- producer side

    /**
     * Writes one frame: its length, then its bytes; waits for room as needed.
     *
     * @param frame the frame's bytes, from 0 to {@code frame.size()}
     * @throws RingClosedException if the ring is closed before the frame is written
     * @throws InterruptedException if interrupted while waiting for room
     */
    public void write(Bytes frame) throws InterruptedException {
        write(frame.array(), 0, frame.size());
    }

    /**
     * Writes one frame from an array.
     *
     * @param src the bytes
     * @param offset where the frame starts
     * @param length its length
     * @throws RingClosedException if the ring is closed before the frame is written
     * @throws InterruptedException if interrupted while waiting for room
     */
    public void write(byte[] src, int offset, int length) throws InterruptedException {
        if (isClosed()) {
            throw new RingClosedException();
        }
        long tail = (long) LONG.getOpaque(segment, TAIL_OFFSET);
        if (room(tail, 4L + length)) {
            // the common case: the whole frame fits, one publication
            putInt(tail, length);
            copyIn(src, offset, tail + 4, length);
            publish(tail + 4 + length);
            return;
        }
        tail = awaitRoom(tail, 4);
        putInt(tail, length);
        tail += 4;
        publish(tail);
        int done = 0;
        while (done < length) {
            tail = awaitRoom(tail, 1);
            int chunk = (int) Math.min(length - done, free(tail));
            copyIn(src, offset + done, tail, chunk);
            tail += chunk;
            done += chunk;
            publish(tail);
        }
    }

    /**
     * Writes one record, a tag byte and a payload, as a frame published all at once: it waits
     * until the whole record fits, so a reader never sees part of it and a writer that dies in
     * the middle leaves nothing behind. Several processes may write one after another (never at
     * the same time: callers serialize writers).
     *
     * @param tag the first byte of the frame
     * @param src the payload
     * @param offset where the payload starts
     * @param length its length; {@code 5 + length} must not exceed the capacity
     * @param timeoutNanos how long to wait for room; negative waits forever
     * @return {@code true} if written, {@code false} if there was no room before the timeout
     * @throws RingClosedException if the ring is closed
     * @throws InterruptedException if interrupted while waiting for room
     */
    public boolean writeRecord(byte tag, byte[] src, int offset, int length, long timeoutNanos)
            throws InterruptedException {
        long needed = 5L + length;
        if (needed > capacity) {
            throw new IllegalArgumentException("record of " + length + " bytes does not fit a ring of " + capacity);
        }
        long tail = (long) LONG.getOpaque(segment, TAIL_OFFSET);
        if (isClosed()) {
            throw new RingClosedException();
        }
        if (!room(tail, needed)) {
            SharedWait.await(segment, SPACE_SEQ_OFFSET, SPACE_SLEEPERS_OFFSET,
                    () -> free(tail) >= needed || isClosed(), timeoutNanos);
            if (isClosed()) {
                throw new RingClosedException();
            }
            if (free(tail) < needed) {
                return false;
            }
        }
        putInt(tail, length + 1);
        data.set(ValueLayout.JAVA_BYTE, (tail + 4) & mask, tag);
        copyIn(src, offset, tail + 5, length);
        publish(tail + needed);
        return true;
    }

    private long free(long tail) {
        return capacity - (tail - (long) LONG.getAcquire(segment, HEAD_OFFSET));
    }

    /** Whether {@code needed} bytes are free after {@code tail}; reads {@code head} only if the cache says no. */
    private boolean room(long tail, long needed) {
        if (capacity - (tail - cachedHead) >= needed) {
            return true;
        }
        cachedHead = (long) LONG.getAcquire(segment, HEAD_OFFSET);
        return capacity - (tail - cachedHead) >= needed;
    }

    private long awaitRoom(long tail, int needed) throws InterruptedException {
        if (free(tail) < needed) {
            SharedWait.await(segment, SPACE_SEQ_OFFSET, SPACE_SLEEPERS_OFFSET,
                    () -> free(tail) >= needed || isClosed(), -1);
        }
        if (isClosed()) {
            throw new RingClosedException();
        }
        return tail;
    }

    private void publish(long tail) {
        LONG.setRelease(segment, TAIL_OFFSET, tail);
        SharedWait.signalAll(segment, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET);
    }

    private void putInt(long position, int value) {
        int at = (int) (position & mask);
        if (at <= capacity - 4) {
            data.set(INT_UNALIGNED, at, value);
        } else {
            for (int i = 0; i < 4; i++) {
                data.set(ValueLayout.JAVA_BYTE, (position + i) & mask, (byte) (value >>> (8 * i)));
            }
        }
    }

    private void copyIn(byte[] src, int offset, long position, int length) {
        int at = (int) (position & mask);
        int first = Math.min(length, capacity - at);
        MemorySegment.copy(src, offset, data, ValueLayout.JAVA_BYTE, at, first);
        if (first < length) {
            MemorySegment.copy(src, offset + first, data, ValueLayout.JAVA_BYTE, 0, length - first);
        }
    }

    // ---------------------------------------------------------------- consumer side

    /**
     * Whether a frame, or the start of one, is waiting.
     *
     * @return {@code true} if {@link #read} would not wait for the first bytes
     */
    public boolean hasData() {
        return (long) LONG.getAcquire(segment, TAIL_OFFSET) != (long) LONG.getOpaque(segment, HEAD_OFFSET);
    }

    /**
     * Reads the next frame into {@code into} (cleared first), waiting for it as long as needed.
     *
     * @param into the buffer that receives the frame
     * @param timeoutNanos how long to wait for the frame to start; negative waits forever
     * @return {@code true} if a frame was read, {@code false} if none started before the timeout
     * @throws RingClosedException if the ring is closed and every published frame has been read
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean read(Bytes into, long timeoutNanos) throws InterruptedException {
        long head = (long) LONG.getOpaque(segment, HEAD_OFFSET);
        if (!awaitData(head, 4, timeoutNanos)) {
            return false;
        }
        int length = getInt(head);
        if (length < 0) {
            throw new IllegalStateException("corrupt ring: frame length " + length);
        }
        head += 4;
        into.clear();
        int at = into.reserve(length);
        int done = 0;
        while (done < length) {
            awaitData(head, 1, -1);
            long available = cachedTail - head;
            int chunk = (int) Math.min(length - done, available);
            copyOut(head, into.array(), at + done, chunk);
            head += chunk;
            done += chunk;
            if (done < length) {
                release(head); // let the producer stream the rest of a large frame
            }
        }
        release(head);
        return true;
    }

    /**
     * Reads the next record written by {@link #writeRecord}: appends its payload to {@code into}
     * (not cleared) and returns its tag.
     *
     * @param into the buffer the payload is appended to
     * @param timeoutNanos how long to wait for a record; negative waits forever
     * @return the record's tag (0..255), or -1 if none arrived before the timeout
     * @throws RingClosedException if the ring is closed and every published record has been read
     * @throws InterruptedException if interrupted while waiting
     */
    public int readRecord(Bytes into, long timeoutNanos) throws InterruptedException {
        long head = (long) LONG.getOpaque(segment, HEAD_OFFSET);
        if (cachedTail - head < 5 && !awaitData(head, 5, timeoutNanos)) {
            return -1;
        }
        int length = getInt(head) - 1;
        if (length < 0 || length > capacity - 5) {
            throw new IllegalStateException("corrupt ring: record length " + (length + 1));
        }
        if (cachedTail - head < 5L + length) {
            awaitData(head, 5 + length, -1); // records are published whole: this does not wait
        }
        int tag = data.get(ValueLayout.JAVA_BYTE, (head + 4) & mask) & 0xFF;
        int at = into.reserve(length);
        copyOut(head + 5, into.array(), at, length);
        release(head + 5 + length);
        return tag;
    }

    private boolean awaitData(long head, int needed, long timeoutNanos) throws InterruptedException {
        if (cachedTail - head >= needed) {
            return true;
        }
        cachedTail = (long) LONG.getAcquire(segment, TAIL_OFFSET);
        if (cachedTail - head >= needed) {
            return true;
        }
        boolean ready = SharedWait.await(segment, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET,
                () -> (long) LONG.getAcquire(segment, TAIL_OFFSET) - head >= needed || isClosed(), timeoutNanos);
        cachedTail = (long) LONG.getAcquire(segment, TAIL_OFFSET);
        if (cachedTail - head >= needed) {
            return true;
        }
        if (isClosed()) {
            throw new RingClosedException();
        }
        return ready;
    }

    private void release(long head) {
        LONG.setRelease(segment, HEAD_OFFSET, head);
        SharedWait.signalAll(segment, SPACE_SEQ_OFFSET, SPACE_SLEEPERS_OFFSET);
    }

    private int getInt(long position) {
        int at = (int) (position & mask);
        if (at <= capacity - 4) {
            return data.get(INT_UNALIGNED, at);
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (data.get(ValueLayout.JAVA_BYTE, (position + i) & mask) & 0xFF) << (8 * i);
        }
        return value;
    }

    private void copyOut(long position, byte[] dst, int offset, int length) {
        int at = (int) (position & mask);
        int first = Math.min(length, capacity - at);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, dst, offset, first);
        if (first < length) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, dst, offset + first, length - first);
        }
    }
}
