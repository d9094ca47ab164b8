package io.github.multiprocessing4j.internal.net;

import io.github.multiprocessing4j.internal.util.Spin;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * Length-prefixed frames over a socket channel, with a size limit and timeouts: a 4-byte
 * big-endian length, then the bytes. The channel is non-blocking underneath so that every read
 * and write can time out (a blocking {@link SocketChannel} cannot). Reads are serialized by the
 * caller, and so are writes.
 *
 * <p>After {@link #startTls}, the frames travel inside TLS records (an {@link SSLEngine} over the
 * same non-blocking channel). A reader and a writer may still run at once: records are written
 * under one lock, so a reader that must answer the peer during a TLS exchange does not interleave
 * with a writer.
 */
public final class FramedChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final int maxFrameBytes;
    /** The TLS engine once {@link #startTls} ran, else null. */
    private SSLEngine tls;
    /** Records received and not yet decrypted, kept in read mode. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet consumed, kept in read mode. */
    private ByteBuffer appIn;
    /** Records to send, guarded by {@link #tlsWrite}; in read mode between uses. */
    private ByteBuffer netOut;
    private final Object tlsWrite = new Object();
    private boolean tlsClosed;
    /** How long an answer to a post-handshake TLS message may take to send. */
    private long tlsAnswerMillis;

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
        if (tls != null) {
            synchronized (tlsWrite) {
                while (frame[1].hasRemaining() || frame[0].hasRemaining()) {
                    if (!wrap(frame, deadline)) {
                        // the engine wants the reader to go first (a key update in flight)
                        if (deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0) {
                            throw new SocketTimeoutException("write timed out");
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
            }
            return;
        }
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
        if (appIn != null && appIn.hasRemaining()) {
            return true;
        }
        try {
            int ready = readSelector.selectNow();
            readSelector.selectedKeys().clear();
            if (ready > 0 && tls != null) {
                // records without data (a TLS 1.3 session ticket) do not count: decrypt what is there
                return unwrap(deadline(1_000), false, false) != 0 || appIn.hasRemaining();
            }
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

    /** How long a wait for the socket polls before it sleeps in {@code select}. */
    private static final long SPIN_NANOS = 50_000;

    /** The first allocation for a frame's body; it doubles as the bytes arrive. */
    private static final int INITIAL_BODY = 64 << 10;

    private void readFully(ByteBuffer buffer, long deadline, boolean frameStart) throws IOException {
        while (buffer.hasRemaining()) {
            int n;
            try {
                n = tls != null ? tlsRead(buffer, deadline) : channel.read(buffer);
                if (n == 0) {
                    await(readSelector, deadline, "read");
                }
            } catch (SocketTimeoutException e) {
                if (!frameStart || buffer.position() > 0) {
                    // part of a frame was consumed: the stream cannot be resumed
                    throw new IOException("timed out in the middle of a frame");
                }
                throw e;
            }
            if (n < 0) {
                if (frameStart && buffer.position() == 0) {
                    throw new EOFException("the connection was closed by the other end");
                }
                throw new EOFException("the connection was closed in the middle of a frame");
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
            if (!spinSelect(selector)) {
                selector.select(deadline == Long.MAX_VALUE ? 0 : Math.max(1, remaining));
            }
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
     * Polls the selector for a short while ({@link Spin}) before the caller sleeps in it: a reply
     * over loopback is often microseconds away, and a thread woken from {@code select} costs tens
     * of microseconds more on a virtual machine.
     */
    private static boolean spinSelect(Selector selector) throws IOException {
        try {
            return Spin.until(() -> {
                try {
                    return selector.selectNow() > 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, SPIN_NANOS);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Runs a TLS handshake over this connection; every frame after it is encrypted. Called once,
     * before any frame, by the end that connected (client mode) and the end that accepted.
     *
     * @param engine an engine in the right mode, configured (host name check, protocols)
     * @param timeoutMillis how long the handshake may take
     * @throws IOException if the handshake fails (an {@link javax.net.ssl.SSLException} when
     *     the peer is not trusted or speaks no TLS) or times out
     */
    public void startTls(SSLEngine engine, long timeoutMillis) throws IOException {
        if (tls != null) {
            throw new IllegalStateException("TLS already started");
        }
        long deadline = deadline(timeoutMillis);
        tlsAnswerMillis = timeoutMillis;
        if (java.util.Arrays.asList(engine.getSupportedProtocols()).contains("TLSv1.3")) {
            engine.setEnabledProtocols(new String[] {"TLSv1.3"}); // no renegotiation, no legacy versions
        }
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(packet).flip();
        tls = engine;
        engine.beginHandshake();
        ByteBuffer none = ByteBuffer.allocate(0);
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    synchronized (tlsWrite) {
                        wrap(new ByteBuffer[] {none}, deadline);
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrap(deadline, true) < 0) {
                        throw new EOFException("the connection was closed during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tls.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Encrypts what {@code sources} hold (or a handshake message) into {@link #netOut} and sends
     * it all. Caller holds {@link #tlsWrite}.
     */
    private boolean wrap(ByteBuffer[] sources, long deadline) throws IOException {
        netOut.compact();
        SSLEngineResult result;
        try {
            result = tls.wrap(sources, netOut);
        } finally {
            netOut.flip();
        }
        switch (result.getStatus()) {
            case BUFFER_OVERFLOW -> netOut = grown(netOut, tls.getSession().getPacketBufferSize());
            case CLOSED -> throw new java.nio.channels.ClosedChannelException();
            default -> {
                // OK
            }
        }
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                await(writeSelector, deadline, "write");
            }
        }
        return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
    }

    /**
     * Reads records and decrypts them into {@link #appIn} until something is decrypted, the
     * handshake moves on, or (when not {@code wait}) no more bytes are there.
     *
     * @return bytes decrypted (0 when none arrived and not waiting), or -1 at the end of stream
     */
    private int unwrap(long deadline, boolean handshaking) throws IOException {
        return unwrap(deadline, handshaking, true);
    }

    private int unwrap(long deadline, boolean handshaking, boolean wait) throws IOException {
        while (true) {
            if (netIn.hasRemaining()) {
                appIn.compact();
                SSLEngineResult result;
                try {
                    result = tls.unwrap(netIn, appIn);
                } finally {
                    appIn.flip();
                }
                switch (result.getStatus()) {
                    case OK -> {
                        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                        if (!handshaking) {
                            answerPostHandshake();
                        }
                        if (result.bytesProduced() > 0 || handshaking) {
                            return result.bytesProduced();
                        }
                        continue; // a record without data (a session ticket): read on
                    }
                    case BUFFER_OVERFLOW -> {
                        appIn = grown(appIn, tls.getSession().getApplicationBufferSize());
                        continue;
                    }
                    case CLOSED -> {
                        tlsClosed = true;
                        return -1;
                    }
                    default -> {
                        // BUFFER_UNDERFLOW: a partial record, read more below
                    }
                }
            }
            if (tlsClosed) {
                return -1;
            }
            netIn.compact();
            if (!netIn.hasRemaining()) {
                ByteBuffer larger = ByteBuffer.allocate(netIn.capacity() + tls.getSession().getPacketBufferSize());
                netIn.flip();
                netIn = larger.put(netIn);
            }
            int n;
            try {
                n = channel.read(netIn);
            } finally {
                netIn.flip();
            }
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                if (!wait) {
                    return 0;
                }
                await(readSelector, deadline, "read");
            }
        }
    }

    /** A copy of {@code readMode}'s remaining bytes with {@code more} bytes of room after them, in read mode. */
    private static ByteBuffer grown(ByteBuffer readMode, int more) {
        return ByteBuffer.allocate(readMode.remaining() + more).put(readMode).flip();
    }

    /**
     * Sends what the engine must say after the handshake (an answer to a key update), with its
     * own deadline: the reader's may be "forever", and a timeout here is a failure of the
     * connection, not an idle read.
     */
    private void answerPostHandshake() throws IOException {
        long deadline = deadline(tlsAnswerMillis);
        while (tls.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP
                || tls.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            if (tls.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            try {
                synchronized (tlsWrite) {
                    wrap(new ByteBuffer[] {ByteBuffer.allocate(0)}, deadline);
                }
            } catch (SocketTimeoutException e) {
                throw new IOException("timed out answering the peer's TLS message", e);
            }
        }
    }

    /** {@code channel.read(buffer)} for a TLS connection: copies decrypted bytes, reading records as needed. */
    private int tlsRead(ByteBuffer buffer, long deadline) throws IOException {
        if (!appIn.hasRemaining()) {
            int n = unwrap(deadline, false);
            if (n < 0) {
                return -1;
            }
        }
        int count = Math.min(buffer.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), count);
        buffer.put(slice);
        appIn.position(appIn.position() + count);
        return count;
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
