package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.NotSerializableTaskException;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.net.FramedChannel;
import io.github.multiprocessing4j.internal.pool.Wire;
import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * An authenticated connection that carries whole messages: what {@link Listener#accept()} and
 * {@link Client#connect} return, Python's {@code multiprocessing.connection.Connection} over a
 * socket. Objects are encoded with the library's codec and decoded only if their classes are on
 * the allow-list of this end; raw byte messages bypass the codec.
 *
 * <p>A message that cannot be decoded here (a class not allowed, a corrupt encoding) closes the
 * connection: the other end is not behaving. One thread at a time may send and one at a time may
 * receive; both may run at once. Instances are thread-safe in that sense.
 */
public final class MessageConnection implements AutoCloseable {

    private static final byte OBJECT = 0;
    private static final byte RAW = 1;
    private static final byte VALUES = 2;

    private final FramedChannel channel;
    private final Codec codec;
    private final long writeTimeoutMillis;
    private final long readTimeoutMillis;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    MessageConnection(FramedChannel channel, NetOptions options) {
        this.channel = channel;
        this.codec = options.codec();
        this.writeTimeoutMillis = options.writeTimeoutMillis();
        this.readTimeoutMillis = options.readTimeoutMillis();
    }

    /**
     * Sends an object.
     *
     * @param message the object, may be null
     * @throws NotSerializableTaskException if it cannot be serialized (nothing was sent)
     * @throws IOException if the connection is closed or fails, or the message exceeds the frame
     *     limit
     */
    public void send(Object message) throws IOException {
        Bytes bytes = new Bytes(64);
        bytes.write(OBJECT);
        encode(bytes, new Object[] {message}, "message");
        write(bytes.array(), bytes.size());
    }

    /** Set while this thread encodes for the network: what carries a secret refuses to be written then. */
    private static final ThreadLocal<Boolean> ENCODING = new ThreadLocal<>();

    /**
     * Whether the calling thread is encoding a message for a network connection.
     *
     * @return {@code true} inside {@link #send} and the managers' calls
     */
    static boolean encodingForNetwork() {
        return ENCODING.get() != null;
    }

    /** Appends each value, with the flag of {@link #encodingForNetwork} set for the whole message. */
    private void encode(Bytes bytes, Object[] values, String what) {
        ENCODING.set(Boolean.TRUE);
        try {
            for (Object value : values) {
                Wire.writeValue(bytes, value, codec, what);
            }
        } finally {
            ENCODING.remove();
        }
    }

    /** Sends several values in one message, each in the compact value encoding (managers' calls). */
    void sendValues(Object... values) throws IOException {
        Bytes bytes = new Bytes(64);
        bytes.write(VALUES);
        encode(bytes, values, "argument");
        write(bytes.array(), bytes.size());
    }

    /** Receives a message sent with {@link #sendValues}. */
    Object[] recvValues() throws IOException {
        return recvValues(0);
    }

    /**
     * Receives a message sent with {@link #sendValues}, if one starts within {@code idleMillis}
     * (0: forever); else {@link SocketTimeoutException}.
     */
    Object[] recvValues(long idleMillis) throws IOException {
        byte[] frame = read(idleMillis);
        if (frame[0] != VALUES) {
            close();
            throw new InvalidObjectException("expected a manager message");
        }
        try {
            return Wire.readValues(frame, 1, frame.length - 1, codec);
        } catch (RuntimeException | LinkageError e) {
            throw rejected(e);
        }
    }

    /**
     * Sends raw bytes, read with {@link #recvBytes()}.
     *
     * @param message the bytes
     * @throws IOException if the connection is closed or fails, or the message exceeds the frame
     *     limit
     */
    public void sendBytes(byte[] message) throws IOException {
        byte[] frame = new byte[message.length + 1];
        frame[0] = RAW;
        System.arraycopy(message, 0, frame, 1, message.length);
        write(frame, frame.length);
    }

    private void write(byte[] frame, int length) throws IOException {
        requireOpen();
        synchronized (writeLock) {
            try {
                channel.write(frame, 0, length, writeTimeoutMillis);
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * Receives the next object, waiting as long as needed for it to start; once it has started it
     * must arrive within the read timeout ({@link Listener.Builder#readTimeout}).
     *
     * @return the object
     * @throws java.io.EOFException if the other end closed the connection
     * @throws InvalidObjectException if the message was raw bytes, or cannot be decoded here (its
     *     class is not allowed, for one); the connection is then closed
     * @throws IOException if the connection fails
     */
    public Object recv() throws IOException {
        return decode(read(0));
    }

    /**
     * Receives the next object if it arrives within {@code timeout}.
     *
     * @param timeout how long to wait for it to start (then the read timeout applies)
     * @return the object
     * @throws SocketTimeoutException if none started in time (the connection stays usable; a
     *     message that started arriving and stalled fails with an {@link IOException} and closes it)
     * @throws IOException as {@link #recv()}
     */
    public Object recv(Duration timeout) throws IOException {
        return decode(read(Math.max(1, timeout.toMillis())));
    }

    /**
     * Receives the next message, which must have been sent with {@link #sendBytes}.
     *
     * @return the bytes
     * @throws InvalidObjectException if it was an object (the connection is then closed)
     * @throws IOException if the connection fails or is closed
     */
    public byte[] recvBytes() throws IOException {
        byte[] frame = read(0);
        if (frame[0] != RAW) {
            close();
            throw new InvalidObjectException("the next message was an object, not raw bytes");
        }
        return Arrays.copyOfRange(frame, 1, frame.length);
    }

    private byte[] read(long timeoutMillis) throws IOException {
        requireOpen();
        synchronized (readLock) {
            byte[] frame;
            try {
                frame = channel.readIdle(timeoutMillis, readTimeoutMillis);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                close();
                throw e;
            }
            if (frame.length == 0) {
                close();
                throw new InvalidObjectException("empty message");
            }
            return frame;
        }
    }

    private Object decode(byte[] frame) throws IOException {
        if (frame[0] != OBJECT) {
            close();
            throw new InvalidObjectException("the next message was raw bytes (read it with recvBytes())");
        }
        try {
            return Wire.readValue(frame, 1, frame.length - 1, codec);
        } catch (RuntimeException | LinkageError e) {
            throw rejected(e);
        }
    }

    /** Closes the connection after a message that cannot be decoded here, and says why. */
    private InvalidObjectException rejected(Throwable e) {
        close();
        InvalidObjectException rejected = new InvalidObjectException("message rejected, connection closed: "
                + (e.getCause() != null ? e.getCause() : e));
        rejected.initCause(e);
        return rejected;
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the connection is closed");
        }
    }

    /** Whether the other end closed this idle connection (or sent something it should not have). */
    boolean isStale() {
        try {
            return closed || channel.hasInput();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The other end's address.
     *
     * @return a description
     */
    public String remoteAddress() {
        return channel.remoteAddress();
    }

    /**
     * Whether the connection was closed (by either end's failure or by {@link #close()}).
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "MessageConnection[" + remoteAddress() + (closed ? ", closed" : "") + "]";
    }
}
