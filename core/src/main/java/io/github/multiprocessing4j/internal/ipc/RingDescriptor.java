package io.github.multiprocessing4j.internal.ipc;

/**
 * Layout of a single-producer, single-consumer byte ring in shared memory ({@link ByteRing}).
 *
 * <pre>
 *   0                   64                  128                 192                 256
 *   +-------------------+-------------------+-------------------+-------------------+-------...
 *   | magic  | version  | tail     | closed | head     |        | dataSeq | dataSl. |
 *   | (long) | capacity |  (long)  | (int)  |  (long)  |        | (int)   | (int)   |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   256                 320
 *   +-------------------+---------------------------------------------------------------+
 *   | spaceSeq | spaceSl|  data: capacity bytes (a power of two), positions wrap modulo   |
 *   | (int)    | (int)  |  capacity                                                      |
 *   +-------------------+---------------------------------------------------------------+
 * </pre>
 *
 * {@code tail} is written only by the producer (bytes published), {@code head} only by the
 * consumer (bytes consumed); each sits on its own cache line. {@code dataSeq}/{@code dataSleepers}
 * are the consumer's wait words ({@link SharedWait}), {@code spaceSeq}/{@code spaceSleepers} the
 * producer's. {@code closed} is set by either side, or by the parent when the peer process died.
 */
public final class RingDescriptor {

    /** "MP4JRING" in ASCII. */
    public static final long MAGIC = 0x474E49524A34504DL;
    /** Layout version; a process rejects a ring of another version. */
    public static final int VERSION = 2;

    public static final long MAGIC_OFFSET = 0;
    public static final long VERSION_OFFSET = 8;
    public static final long CAPACITY_OFFSET = 12;
    public static final long TAIL_OFFSET = 64;
    public static final long CLOSED_OFFSET = 72;
    public static final long HEAD_OFFSET = 128;
    public static final long DATA_SEQ_OFFSET = 192;
    public static final long DATA_SLEEPERS_OFFSET = 196;
    public static final long SPACE_SEQ_OFFSET = 256;
    public static final long SPACE_SLEEPERS_OFFSET = 260;
    public static final long HEADER_LENGTH = 320;

    private RingDescriptor() {
    }

    /**
     * The bytes a ring of this capacity occupies.
     *
     * @param capacity the data capacity, a power of two
     * @return header plus data
     */
    public static long length(int capacity) {
        return HEADER_LENGTH + capacity;
    }
}
