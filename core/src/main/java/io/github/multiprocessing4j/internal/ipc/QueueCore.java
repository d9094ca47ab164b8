package io.github.multiprocessing4j.internal.ipc;

import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A multi-producer, multi-consumer queue of byte messages in one shared-memory file, safe against
 * the death of any process using it. The engine under {@code SharedQueue}, {@code JoinableQueue}
 * and pipes.
 *
 * <h2>Layout</h2>
 * <pre>
 *    0 magic (long), version, max items, ring capacity (ints)
 *   64 put lock ({@link ProcessLock})
 *  128 take lock
 *  192 messages put (long, written by producers); the event counter and sleepers flag of producers
 *      waiting for room in a bounded queue
 *  256 unfinished tasks (long); its event counter and sleepers flag (join)
 *  320 message in progress (int): a producer has written part of a multi-record message
 *  384 closed (int)
 *  448 messages taken (long, written by consumers)
 * 4096 the {@link ByteRing}
 * </pre>
 *
 * <h2>Protocol</h2>
 * Producers take the put lock in turn, consumers the take lock, so the ring always has one writer
 * and one reader. A message is one or more records ({@link ByteRing#writeRecord}), each published
 * whole: a tag byte (FIRST, LAST, ABORT, RAW) and a payload of at most a quarter of the ring.
 * Consumers assemble FIRST..LAST. What a death leaves behind:
 * <ul>
 *   <li>A producer that dies holding the put lock has published whole records only. The next
 *       producer takes the lock over; if a multi-record message was in progress it writes an
 *       ABORT record, and consumers drop the partial message. Every message whose put returned
 *       is intact.</li>
 *   <li>A consumer that dies holding the take lock may have consumed the first records of a
 *       message: the next consumer skips records until the next FIRST. At most that one message
 *       is lost.</li>
 *   <li>A consumer waiting for the rest of a message whose producer died drops the partial
 *       message and goes on.</li>
 * </ul>
 * The put and take counts (their difference is the size) and the unfinished-task count are
 * adjusted right after a message is published or taken; a death between the two (a few
 * instructions) leaves them off by one. Each count is written by one side only, under its lock, so
 * producers and consumers do not fight over a cache line.
 *
 * <p>Instances are thread-safe. One instance per file and JVM: {@link #attach} returns the same
 * object for the same path.
 */
public final class QueueCore implements AutoCloseable {

    /** Tag bit: the first record of a message. */
    public static final byte FIRST = 1;
    /** Tag bit: the last record of a message. */
    public static final byte LAST = 2;
    /** Tag bit: the message in progress is abandoned; drop what was read of it. */
    public static final byte ABORT = 4;
    /** Tag bit: the message is raw bytes (not encoded with the codec). */
    public static final byte RAW = 8;

    static final long MAGIC = 0x55455551344A504DL; // "MPJ4QUEU"
    static final int VERSION = 2;
    static final long PUT_LOCK = 64;
    static final long TAKE_LOCK = 128;
    static final long PUTS = 192;
    static final long ITEMS_SEQ = 200;
    static final long ITEMS_SLEEPERS = 204;
    static final long UNFINISHED = 256;
    static final long UNFINISHED_SEQ = 264;
    static final long UNFINISHED_SLEEPERS = 268;
    static final long IN_PROGRESS = 320;
    static final long CLOSED = 384;
    static final long TAKES = 448;
    static final long RING = 4096;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final Map<Path, QueueCore> ATTACHED = new ConcurrentHashMap<>();

    private final SharedRegion region;
    private final MemorySegment segment;
    private final ByteRing ring;
    private final ProcessLock putLock;
    private final ProcessLock takeLock;
    private final int maxItems;
    private final int maxRecord;
    /** Threads of this JVM inside an operation; the mapping is released when the last leaves a closed queue. */
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean closing;
    private final AtomicBoolean released = new AtomicBoolean();
    private final BooleanSupplier closed = this::isClosed;
    private final BooleanSupplier drained = this::closedAndDrained;

    private QueueCore(SharedRegion region) {
        this.region = region;
        this.segment = region.segment();
        this.maxItems = segment.get(ValueLayout.JAVA_INT, 12);
        this.ring = ByteRing.open(segment.asSlice(RING));
        this.maxRecord = ring.capacity() / 4 - 5;
        this.putLock = new ProcessLock(segment, PUT_LOCK);
        this.takeLock = new ProcessLock(segment, TAKE_LOCK);
    }

    /**
     * Creates a queue file owned by this process.
     *
     * @param kind a word for the file name ("queue", "pipe")
     * @param maxItems most messages held at once, or {@link Integer#MAX_VALUE}
     * @param ringCapacity bytes of the ring, a power of two of at least 4096
     * @return the queue
     */
    public static QueueCore create(String kind, int maxItems, int ringCapacity) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("capacity: " + maxItems + " (expected: at least 1)");
        }
        if (ringCapacity < 4096 || Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("ring bytes: " + ringCapacity + " (expected: a power of two, at least 4096)");
        }
        SharedRegion region = SharedRegion.create(kind, RING + RingDescriptor.length(ringCapacity));
        MemorySegment segment = region.segment();
        segment.set(ValueLayout.JAVA_INT, 8, VERSION);
        segment.set(ValueLayout.JAVA_INT, 12, maxItems);
        segment.set(ValueLayout.JAVA_INT, 16, ringCapacity);
        ByteRing.format(segment.asSlice(RING), ringCapacity);
        LONG.setRelease(segment, 0L, MAGIC);
        QueueCore core = new QueueCore(region);
        ATTACHED.put(region.path(), core);
        return core;
    }

    /**
     * The queue in {@code path}, mapped once per JVM.
     *
     * @param path the queue's file
     * @return the queue
     * @throws IllegalStateException if the file is gone or not a queue of this version
     */
    public static QueueCore attach(Path path) {
        return ATTACHED.computeIfAbsent(path, p -> {
            SharedRegion region = SharedRegion.attach(p);
            MemorySegment segment = region.segment();
            if (segment.byteSize() < RING || (long) LONG.getAcquire(segment, 0L) != MAGIC
                    || segment.get(ValueLayout.JAVA_INT, 8) != VERSION) {
                region.close();
                throw new IllegalStateException("not a queue of this version: " + p);
            }
            return new QueueCore(region);
        });
    }

    /**
     * The queue's file.
     *
     * @return the path
     */
    public Path path() {
        return region.path();
    }

    /**
     * Most messages held at once.
     *
     * @return the bound, {@link Integer#MAX_VALUE} when unbounded
     */
    public int maxItems() {
        return maxItems;
    }

    /**
     * Bytes of the ring (messages larger than a quarter of it are split into records).
     *
     * @return the ring capacity
     */
    public int ringCapacity() {
        return ring.capacity();
    }

    /**
     * Messages in the queue now (approximate while others put and take).
     *
     * @return the count, at least 0
     */
    public long size() {
        enter();
        try {
            return Math.max(0, items());
        } finally {
            exit();
        }
    }

    /**
     * Messages put and not yet marked done ({@code JoinableQueue}).
     *
     * @return the count
     */
    public long unfinished() {
        enter();
        try {
            return (long) LONG.getVolatile(segment, UNFINISHED);
        } finally {
            exit();
        }
    }

    /**
     * Whether the queue was closed.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return released.get() || (int) INT.getVolatile(segment, CLOSED) != 0;
    }

    private boolean closedAndDrained() {
        return isClosed() && !ring.hasData();
    }

    /** Messages put and not taken: puts minus takes. */
    private long items() {
        long takes = (long) LONG.getAcquire(segment, TAKES);
        return (long) LONG.getAcquire(segment, PUTS) - takes;
    }

    /**
     * Whether a message (or the start of one) is waiting.
     *
     * @return {@code true} if a take would find data now
     */
    public boolean hasData() {
        enter();
        try {
            return ring.hasData();
        } finally {
            exit();
        }
    }

    // Dekker-style with close(): a thread counts itself in, then checks closing; close() sets
    // closing, then checks the count. Whoever sees the other's write last releases the mapping.
    private void enter() {
        users.incrementAndGet();
        if (closing) {
            exit();
            throw new QueueClosedException();
        }
    }

    private void exit() {
        if (users.decrementAndGet() == 0 && closing) {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            ATTACHED.remove(region.path(), this);
            region.close();
        }
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts one message.
     *
     * @param tag {@link #RAW} or 0
     * @param message the bytes
     * @param length how many of them
     * @param timeoutNanos how long to wait for the locks and for room; negative waits forever.
     *     Once the first record of a large message is written the rest is written without a
     *     timeout (consumers make room), so a put never leaves half a message.
     * @return {@code true} if put, {@code false} on timeout
     * @throws QueueClosedException if the queue is closed
     * @throws InterruptedException if interrupted while waiting (nothing was put)
     */
    public boolean put(byte tag, byte[] message, int length, long timeoutNanos) throws InterruptedException {
        enter();
        try {
            return put0(tag, message, length, timeoutNanos);
        } finally {
            exit();
        }
    }

    private boolean put0(byte tag, byte[] message, int length, long timeoutNanos) throws InterruptedException {
        long deadline = SharedWait.deadline(timeoutNanos);
        requireOpen();
        ProcessLock.Acquired acquired = putLock.acquire(timeoutNanos, closed);
        if (acquired == ProcessLock.Acquired.TIMED_OUT) {
            requireOpen();
            return false;
        }
        try {
            if (acquired == ProcessLock.Acquired.RECOVERED && (int) INT.getVolatile(segment, IN_PROGRESS) != 0) {
                // the dead producer left part of a message: tell consumers to drop it
                ring.writeRecord(ABORT, message, 0, 0, -1);
                INT.setVolatile(segment, IN_PROGRESS, 0);
            }
            if (maxItems != Integer.MAX_VALUE && items() >= maxItems) {
                SharedWait.await(segment, ITEMS_SEQ, ITEMS_SLEEPERS, () -> items() < maxItems || isClosed(),
                        remaining(deadline));
                requireOpen();
                if (items() >= maxItems) {
                    return false;
                }
            }
            LONG.getAndAdd(segment, UNFINISHED, 1L); // before publishing, so join cannot pass early
            boolean written;
            try {
                written = writeMessage(tag, message, length, deadline);
            } catch (InterruptedException | RuntimeException e) {
                LONG.getAndAdd(segment, UNFINISHED, -1L);
                throw e;
            }
            if (!written) {
                LONG.getAndAdd(segment, UNFINISHED, -1L);
                return false;
            }
            LONG.setRelease(segment, PUTS, (long) LONG.getOpaque(segment, PUTS) + 1); // only producers write it
            return true;
        } catch (RingClosedException e) {
            throw new QueueClosedException();
        } finally {
            putLock.release();
        }
    }

    private boolean writeMessage(byte tag, byte[] message, int length, long deadline) throws InterruptedException {
        if (length <= maxRecord) {
            return ring.writeRecord((byte) (tag | FIRST | LAST), message, 0, length, remaining(deadline));
        }
        if (!ring.writeRecord((byte) (tag | FIRST), message, 0, maxRecord, remaining(deadline))) {
            return false;
        }
        INT.setVolatile(segment, IN_PROGRESS, 1);
        int done = maxRecord;
        try {
            while (done < length) {
                int chunk = Math.min(maxRecord, length - done);
                boolean last = done + chunk == length;
                ring.writeRecord(last ? (byte) (tag | LAST) : tag, message, done, chunk, -1);
                done += chunk;
            }
        } catch (InterruptedException e) {
            ring.writeRecord(ABORT, message, 0, 0, -1); // never leave half a message
            throw e;
        } finally {
            INT.setVolatile(segment, IN_PROGRESS, 0);
        }
        return true;
    }

    private static long remaining(long deadline) {
        return deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - System.nanoTime());
    }

    // ------------------------------------------------------------------ take

    /**
     * Takes one message.
     *
     * @param into receives the message's bytes (cleared first)
     * @param timeoutNanos how long to wait for the lock and for a message; negative waits forever
     * @return the message's tag ({@link #RAW} or 0), or -1 on timeout
     * @throws QueueClosedException if the queue is closed and empty
     * @throws InterruptedException if interrupted while waiting (nothing was taken)
     */
    public int take(Bytes into, long timeoutNanos) throws InterruptedException {
        enter();
        try {
            return take0(into, timeoutNanos);
        } finally {
            exit();
        }
    }

    private int take0(Bytes into, long timeoutNanos) throws InterruptedException {
        long deadline = SharedWait.deadline(timeoutNanos);
        if (isClosed() && !ring.hasData()) {
            throw new QueueClosedException();
        }
        ProcessLock.Acquired acquired = takeLock.acquire(timeoutNanos, drained);
        if (acquired == ProcessLock.Acquired.TIMED_OUT) {
            if (isClosed() && !ring.hasData()) {
                throw new QueueClosedException();
            }
            return -1;
        }
        boolean interrupted = false;
        try {
            into.clear();
            boolean inMessage = false;
            while (true) {
                long wait = inMessage ? ProcessLock.LIVENESS_SLICE_NANOS : remaining(deadline);
                int before = into.size();
                int tag;
                try {
                    tag = ring.readRecord(into, wait); // appends the payload
                } catch (InterruptedException e) {
                    if (!inMessage) {
                        throw e; // nothing taken yet
                    }
                    // part of a message is taken: finish it (its producer is writing the rest, or
                    // dead and then detected below) and keep the interrupt for the caller
                    interrupted = true;
                    continue;
                }
                if (tag < 0) {
                    if (!inMessage) {
                        return -1;
                    }
                    if (producerDied()) {
                        into.clear(); // its producer died mid-message: drop the partial message
                        inMessage = false;
                    }
                    continue;
                }
                if ((tag & ABORT) != 0) {
                    into.clear();
                    inMessage = false;
                    continue;
                }
                if ((tag & FIRST) != 0) {
                    if (before > 0) {
                        into.truncate(moveToFront(into, before)); // a new message: drop what came before it
                    }
                    inMessage = true;
                } else if (!inMessage) {
                    into.truncate(before); // the rest of a message whose start a dead consumer took
                    continue;
                }
                if ((tag & LAST) != 0) {
                    LONG.setRelease(segment, TAKES, (long) LONG.getOpaque(segment, TAKES) + 1); // only consumers write it
                    if (maxItems != Integer.MAX_VALUE) {
                        SharedWait.signalAll(segment, ITEMS_SEQ, ITEMS_SLEEPERS);
                    }
                    return tag & RAW;
                }
            }
        } catch (RingClosedException e) {
            throw new QueueClosedException();
        } finally {
            takeLock.release();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Moves the bytes after {@code from} to the front of {@code bytes}; returns how many there are. */
    private static int moveToFront(Bytes bytes, int from) {
        int length = bytes.size() - from;
        System.arraycopy(bytes.array(), from, bytes.array(), 0, length);
        return length;
    }

    /** Whether the producer that was writing a multi-record message is gone. */
    private boolean producerDied() {
        int owner = putLock.owner();
        return owner == 0 ? (int) INT.getVolatile(segment, IN_PROGRESS) != 0 : !ProcessLock.isAlive(owner);
    }

    // ------------------------------------------------------------------ join

    /**
     * Marks one taken message done.
     *
     * @throws IllegalStateException if more messages were marked done than were put
     */
    public void taskDone() {
        enter();
        try {
            taskDone0();
        } finally {
            exit();
        }
    }

    private void taskDone0() {
        while (true) {
            long current = (long) LONG.getVolatile(segment, UNFINISHED);
            if (current <= 0) {
                throw new IllegalStateException("taskDone() called more times than there were items put");
            }
            if (LONG.compareAndSet(segment, UNFINISHED, current, current - 1)) {
                if (current == 1) {
                    SharedWait.signalAll(segment, UNFINISHED_SEQ, UNFINISHED_SLEEPERS);
                }
                return;
            }
        }
    }

    /**
     * Waits until every message put has been marked done.
     *
     * @param timeoutNanos how long; negative waits forever
     * @return {@code true} if all are done, {@code false} on timeout
     * @throws QueueClosedException if the queue is closed while waiting
     * @throws InterruptedException if interrupted
     */
    public boolean join(long timeoutNanos) throws InterruptedException {
        enter();
        try {
            return join0(timeoutNanos);
        } finally {
            exit();
        }
    }

    private boolean join0(long timeoutNanos) throws InterruptedException {
        SharedWait.await(segment, UNFINISHED_SEQ, UNFINISHED_SLEEPERS,
                () -> (long) LONG.getVolatile(segment, UNFINISHED) <= 0 || isClosed(), timeoutNanos);
        if ((long) LONG.getVolatile(segment, UNFINISHED) <= 0) {
            return true;
        }
        requireOpen();
        return false;
    }

    // ------------------------------------------------------------------ close

    private void requireOpen() {
        if (isClosed()) {
            throw new QueueClosedException();
        }
    }

    /**
     * Closes the queue for every process: waiting and later puts fail, takes return what is left
     * and then fail, all with {@link QueueClosedException}. In this JVM the mapping is released
     * once no thread is inside an operation; the creating process also unlinks the file.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            INT.setVolatile(segment, CLOSED, 1);
            ring.close();
            putLock.wakeAll();
            takeLock.wakeAll();
            SharedWait.signalAll(segment, ITEMS_SEQ, ITEMS_SLEEPERS);
            SharedWait.signalAll(segment, UNFINISHED_SEQ, UNFINISHED_SLEEPERS);
            closing = true;
        }
        if (region.isOwner()) {
            // the name goes now; the mapping stays until the last thread inside leaves
            io.github.multiprocessing4j.internal.shm.SharedFiles.unlink(region.path());
        }
        if (users.get() == 0) {
            release();
        }
    }
}
