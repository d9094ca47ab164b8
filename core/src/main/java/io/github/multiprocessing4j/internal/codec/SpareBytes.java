package io.github.multiprocessing4j.internal.codec;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One spare {@link Bytes} buffer, so that a queue or a connection does not allocate (and grow) a
 * new buffer for every message: a large message otherwise costs several copies of itself while
 * its buffer doubles. Thread-safe: a buffer is handed to one thread at a time; when two threads
 * need one at once, the second gets a new one. Buffers larger than {@link #KEEP_AT_MOST} are not
 * kept, so a single huge message does not pin its memory.
 */
public final class SpareBytes {

    /** The largest buffer kept between messages. */
    public static final int KEEP_AT_MOST = 4 << 20;

    private final AtomicReference<Bytes> spare = new AtomicReference<>();

    /**
     * An empty buffer: the spare one if it is free, else a new one.
     *
     * @return a buffer for this thread's use until {@link #recycle}
     */
    public Bytes take() {
        Bytes bytes = spare.getAndSet(null);
        if (bytes == null) {
            return new Bytes(256);
        }
        bytes.clear();
        return bytes;
    }

    /**
     * Hands a buffer back once nothing refers to its contents any more.
     *
     * @param bytes a buffer from {@link #take}
     */
    public void recycle(Bytes bytes) {
        if (bytes.array().length <= KEEP_AT_MOST) {
            spare.set(bytes);
        }
    }
}
