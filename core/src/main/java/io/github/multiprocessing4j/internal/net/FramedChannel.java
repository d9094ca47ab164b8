package io.github.multiprocessing4j.internal.net;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a socket channel, with a size limit and timeouts: a 4-byte
 * big-endian length, then the bytes. The channel is non-blocking underneath so that every read
 * and write can time out (a blocking {@link SocketChannel} cannot). Reads are serialized by the
 * caller, and so are writes.
 */
public final class FramedChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final int maxFrameBytes;

    /**
     * Wraps a connected channel.
     *
     * @param channel the channel (made non-blocking)
     * @param maxFrameBytes the largest frame accepted or sent
     * @throws IOException if the channel cannot be configured
     */
    public FramedChannel(SocketChannel channel, int maxFrameBytes) throws IOException {
        this.channel = channel;
        this.maxFrameBytes = maxFrameBytes;
        if (channel.getLocalAddress() instanceof java.net.InetSocketAddress) {
            // messages are request/response: never let Nagle's algorithm hold one back for an ACK
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
        channel.configureBlocking(false);
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
    }

    /**
     * The largest frame accepted or sent.
     *
     * @return bytes
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Sends one frame.
     *
     * @param bytes the frame's bytes
     * @param offset where they start
     * @param length how many
     * @param timeoutMillis how long the whole write may take; 0 waits forever
     * @throws IOException if the frame is too large, the write times out or the connection fails
     */
    public void write(byte[] bytes, int offset, int length, long timeoutMillis) throws IOException {
        if (length > maxFrameBytes) {
            throw new IOException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        ByteBuffer[] frame = {ByteBuffer.allocate(4).putInt(length).flip(), ByteBuffer.wrap(bytes, offset, length)};
        long deadline = deadline(timeoutMillis);
        while (frame[1].hasRemaining() || frame[0].hasRemaining()) {
            if (channel.write(frame) == 0) { // one gathering write: header and body leave together
                await(writeSelector, deadline, "write");
            }
        }
    }

    /**
     * Reads one frame.
     *
     * @param timeoutMillis how long to wait for the frame to start and finish; 0 waits forever
     * @return the frame's bytes
     * @throws EOFException if the other end closed the connection between frames
     * @throws SocketTimeoutException if the timeout elapsed
     * @throws IOException if the frame is larger than the limit or the connection fails
     */
    public byte[] read(long timeoutMillis) throws IOException {
        return read(timeoutMillis, maxFrameBytes);
    }

    /**
     * Reads one frame of at most {@code limit} bytes.
     *
     * @param timeoutMillis how long to wait; 0 waits forever
     * @param limit the largest frame accepted (the frame's bytes are only allocated below it)
     * @return the frame's bytes
     * @throws IOException as {@link #read(long)}
     */
    public byte[] read(long timeoutMillis, int limit) throws IOException {
        long deadline = deadline(timeoutMillis);
        return readFrame(deadline, deadline, -1, limit);
    }

    /**
     * Reads one frame, waiting at most {@code idleMillis} for it to start; once its first byte is
     * in, the whole frame must arrive within {@code frameMillis} (so a peer that trickles a frame
     * byte by byte cannot hold a reader for long).
     *
     * @param idleMillis how long to wait for a frame to start; 0 waits forever
     * @param frameMillis how long a started frame may take; 0 has no limit
     * @return the frame's bytes
     * @throws SocketTimeoutException if no frame started in time (the stream stays usable)
     * @throws IOException if a started frame stalled, is larger than the limit, or the
     *     connection fails
     */
    public byte[] readIdle(long idleMillis, long frameMillis) throws IOException {
        return readFrame(deadline(idleMillis), 0, frameMillis, maxFrameBytes);
    }

    /**
     * Whether the other end closed the connection or sent something, checked without waiting:
     * for a connection that should be idle, either means it can no longer be used.
     *
     * @return {@code true} if there is input or an end of stream to read
     * @throws IOException if the check fails
     */
    public boolean hasInput() throws IOException {
        try {
            int ready = readSelector.selectNow();
            readSelector.selectedKeys().clear();
            return ready > 0;
        } catch (java.nio.channels.ClosedSelectorException e) {
            return true;
        }
    }

    /**
     * @param startDeadline when the frame must have started
     * @param endDeadline when it must have ended, if {@code frameMillis} is negative
     * @param frameMillis how long it may take from its first byte, 0 for no limit
     */
    private byte[] readFrame(long startDeadline, long endDeadline, long frameMillis, int limit) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        header.limit(1);
        readFully(header, startDeadline, true);
        long deadline = frameMillis < 0 ? endDeadline : deadline(frameMillis);
        header.limit(4);
        readFully(header, deadline, false);
        int length = header.flip().getInt();
        if (length < 0 || length > limit) {
            throw new IOException("frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
                    + limit);
        }
        // memory grows with the bytes that actually arrive, not with what the header claims
        byte[] body = new byte[Math.min(length, INITIAL_BODY)];
        int done = 0;
        while (done < length) {
            if (done == body.length) {
                body = java.util.Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
            }
            ByteBuffer chunk = ByteBuffer.wrap(body, done, body.length - done);
            readFully(chunk, deadline, false);
            done = body.length;
        }
        return body;
    }

    /** The first allocation for a frame's body; it doubles as the bytes arrive. */
    private static final int INITIAL_BODY = 64 << 10;

    private void readFully(ByteBuffer buffer, long deadline, boolean frameStart) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                if (frameStart && buffer.position() == 0) {
                    throw new EOFException("the connection was closed by the other end");
                }
                throw new EOFException("the connection was closed in the middle of a frame");
            }
            if (n == 0) {
                try {
                    await(readSelector, deadline, "read");
                } catch (SocketTimeoutException e) {
                    if (!frameStart || buffer.position() > 0) {
                        // part of a frame was consumed: the stream cannot be resumed
                        throw new IOException("timed out in the middle of a frame");
                    }
                    throw e;
                }
            }
        }
    }

    private static long deadline(long timeoutMillis) {
        return timeoutMillis <= 0 || timeoutMillis > Long.MAX_VALUE / 4_000_000 ? Long.MAX_VALUE
                : System.nanoTime() + timeoutMillis * 1_000_000;
    }

    private static void await(Selector selector, long deadline, String what) throws IOException {
        long remaining = deadline == Long.MAX_VALUE ? 0 : (deadline - System.nanoTime()) / 1_000_000;
        if (deadline != Long.MAX_VALUE && remaining <= 0) {
            throw new SocketTimeoutException(what + " timed out");
        }
        try {
            selector.select(deadline == Long.MAX_VALUE ? 0 : Math.max(1, remaining));
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new java.nio.channels.AsynchronousCloseException(); // closed by another thread
        }
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(what + " interrupted");
        }
    }

    /**
     * The other end's address.
     *
     * @return a description of it
     */
    public String remoteAddress() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    /** Closes the connection. Idempotent. */
    @Override
    public void close() {
        for (java.io.Closeable closeable : new java.io.Closeable[] {channel, readSelector, writeSelector}) {
            try {
                closeable.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }
}
